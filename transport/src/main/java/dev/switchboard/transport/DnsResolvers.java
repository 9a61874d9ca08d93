package dev.switchboard.transport;

import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.dns.DefaultDnsServerAddressStreamProvider;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProvider;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;
import io.netty.resolver.dns.UnixResolverDnsServerAddressStreamProvider;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/** Builds the asynchronous DNS resolvers client connections use. */
final class DnsResolvers {
    /*
     * Problem: Netty's Bootstrap resolves a host name with the JDK's InetAddress lookup, which blocks the event loop
     * for as long as the name server takes; every other connection on that loop waits with it.
     * Approach: Netty's own DNS client (netty-resolver-dns): queries go out over a UDP channel of the transport's
     * kind (TCP when an answer is truncated) on the asking event loop, and the answer completes a future there. The
     * hosts file answers first, then the name servers of /etc/resolv.conf (with its search domains and ndots). An IP
     * literal is parsed, never looked up. The first answer of the preferred address family completes a lookup (no
     * wait for the other family).
     * Caching: one DnsAddressResolverGroup builds one resolver per event loop, all sharing one cache that keeps each
     * answer for its record's TTL (failures are not cached), and one table of lookups in progress, so a burst of
     * connections to one name from any loop sends one query. An entry expires by a task scheduled on the loop that
     * cached it; if that loop has stopped, the entry would stay for good, so a group lives no longer than its loops
     * (Transport.withOwnResolver).
     * Files: /etc/resolv.conf is read here, once, when the group is built (off the event loops); Netty's
     * platformDefault() would re-read it every five minutes inside a lookup, which is file I/O on an event loop.
     * Without a readable resolv.conf (Windows, some containers), Netty's default list: the JDK's name servers, or
     * public ones. The hosts file is read once, when Netty's resolver classes load (GatewayServer builds every
     * loop's resolver before serving, so not on a loop either).
     * Concurrency: the group hands out per-loop resolvers under its own lock, and closes each when its loop stops;
     * callers on the hot path keep their loop's resolver rather than ask the group each time.
     */

    /** The system's name servers, search domains and options. */
    static final String RESOLV_CONF = "/etc/resolv.conf";
    /** macOS's per-domain name servers (absent elsewhere, which is fine). */
    static final String RESOLVER_DIR = "/etc/resolver";

    private DnsResolvers() {
    }

    /** Resolvers that ask the system's name servers. */
    static AddressResolverGroup<InetSocketAddress> system(Class<? extends DatagramChannel> datagram,
            Class<? extends SocketChannel> socket) {
        return group(datagram, socket, systemNameServers());
    }

    private static DnsServerAddressStreamProvider systemNameServers() {
        try {
            return new UnixResolverDnsServerAddressStreamProvider(RESOLV_CONF, RESOLVER_DIR);
        } catch (IOException | IllegalArgumentException e) {
            return DefaultDnsServerAddressStreamProvider.INSTANCE;
        }
    }

    /** Resolvers that ask {@code nameServers}, in order. */
    static AddressResolverGroup<InetSocketAddress> using(Class<? extends DatagramChannel> datagram,
            Class<? extends SocketChannel> socket, List<InetSocketAddress> nameServers) {
        return group(datagram, socket, new SequentialDnsServerAddressStreamProvider(nameServers));
    }

    private static AddressResolverGroup<InetSocketAddress> group(Class<? extends DatagramChannel> datagram,
            Class<? extends SocketChannel> socket, DnsServerAddressStreamProvider nameServers) {
        return new DnsAddressResolverGroup(new DnsNameResolverBuilder()
                .datagramChannelType(datagram)
                .socketChannelType(socket)
                .nameServerProvider(nameServers)
                .completeOncePreferredResolved(true));
    }
}
