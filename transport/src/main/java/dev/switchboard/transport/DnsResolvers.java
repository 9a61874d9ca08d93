package dev.switchboard.transport;

import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProvider;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;
import java.net.InetSocketAddress;
import java.util.List;

/** Builds the asynchronous DNS resolvers client connections use. */
final class DnsResolvers {
    /*
     * Problem: Netty's Bootstrap resolves a host name with the JDK's InetAddress lookup, which blocks the event loop
     * for as long as the name server takes; every other connection on that loop waits with it.
     * Approach: Netty's own DNS client (netty-resolver-dns): queries go out over a UDP channel of the transport's
     * kind (TCP when an answer is truncated) on the asking event loop, and the answer completes a future there. The
     * hosts file answers first, then the name servers of /etc/resolv.conf (with its search domains and ndots), both
     * read once when the first resolver is built. An IP literal is parsed, never looked up. The first answer of the
     * preferred address family completes a lookup (no wait for the other family).
     * Caching: one DnsAddressResolverGroup builds one resolver per event loop, all sharing one cache that keeps each
     * answer for its record's TTL (failures are not cached), and one table of lookups in progress, so a burst of
     * connections to one name from any loop sends one query.
     * Concurrency: the group hands out per-loop resolvers under its own lock, and closes each when its loop stops;
     * callers on the hot path keep their loop's resolver rather than ask the group each time.
     */

    private DnsResolvers() {
    }

    /** Resolvers that ask the system's name servers. */
    static AddressResolverGroup<InetSocketAddress> system(Class<? extends DatagramChannel> datagram,
            Class<? extends SocketChannel> socket) {
        return group(datagram, socket, DnsServerAddressStreamProviders.platformDefault());
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
