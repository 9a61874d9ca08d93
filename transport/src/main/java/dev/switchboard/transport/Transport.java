package dev.switchboard.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The Netty transport for this machine: native epoll on Linux when its library loads, NIO otherwise, and how client
 * connections find their peers (an asynchronous, caching DNS resolver on the same kind of channel; see
 * {@link DnsResolvers}). One place decides, so servers and clients in one process share the same kind of event loop.
 *
 * <p>A resolver's cache expires its entries by tasks scheduled on the event loops that looked them up, so a
 * resolver must not outlive those loops: whoever owns a set of loops that come and go (a gateway) takes a
 * {@link #withOwnResolver} copy and closes its resolver with them.
 */
public final class Transport {
    private static final Transport BEST = Epoll.isAvailable()
            ? new Transport("epoll", EpollServerSocketChannel.class, EpollSocketChannel.class, EpollDatagramChannel.class,
                    true, List.of())
            : new Transport("nio", NioServerSocketChannel.class, NioSocketChannel.class, NioDatagramChannel.class,
                    false, List.of());

    private final String name;
    private final Class<? extends ServerSocketChannel> serverChannel;
    private final Class<? extends SocketChannel> clientChannel;
    private final Class<? extends DatagramChannel> datagramChannel;
    private final boolean epoll;
    private final List<InetSocketAddress> nameServers;
    private final AddressResolverGroup<InetSocketAddress> resolver;

    private Transport(String name, Class<? extends ServerSocketChannel> serverChannel,
            Class<? extends SocketChannel> clientChannel, Class<? extends DatagramChannel> datagramChannel, boolean epoll,
            List<InetSocketAddress> nameServers) {
        this.name = name;
        this.serverChannel = serverChannel;
        this.clientChannel = clientChannel;
        this.datagramChannel = datagramChannel;
        this.epoll = epoll;
        this.nameServers = List.copyOf(nameServers);
        this.resolver = nameServers.isEmpty() ? DnsResolvers.system(datagramChannel, clientChannel)
                : DnsResolvers.using(datagramChannel, clientChannel, this.nameServers);
    }

    /**
     * The best transport available here, resolving names as {@code /etc/hosts} and {@code /etc/resolv.conf} say
     * (its resolver lives as long as the process).
     */
    public static Transport best() {
        return BEST;
    }

    /**
     * This transport with a resolver of its own that asks {@code nameServers} (in order) instead of the system's
     * name servers; the hosts file still answers first. For tests that serve DNS themselves, and for callers that
     * know their name servers.
     */
    public Transport withNameServers(List<InetSocketAddress> nameServers) {
        if (nameServers.isEmpty()) {
            throw new IllegalArgumentException("at least one name server expected");
        }
        return new Transport(name, serverChannel, clientChannel, datagramChannel, epoll, nameServers);
    }

    /** This transport with a new resolver (and cache) asking the same name servers; close it when done. */
    public Transport withOwnResolver() {
        return new Transport(name, serverChannel, clientChannel, datagramChannel, epoll, nameServers);
    }

    /** A short description for logs ("epoll" or "nio"). */
    public String name() {
        return name;
    }

    /** Listening sockets. */
    public Class<? extends ServerSocketChannel> serverChannel() {
        return serverChannel;
    }

    /** Outgoing TCP connections. */
    public Class<? extends SocketChannel> clientChannel() {
        return clientChannel;
    }

    /** UDP sockets (DNS queries among them). */
    public Class<? extends DatagramChannel> datagramChannel() {
        return datagramChannel;
    }

    /** Whether this is the native epoll transport. */
    public boolean epoll() {
        return epoll;
    }

    /** The name servers the resolver asks; empty for the system's. */
    public List<InetSocketAddress> nameServers() {
        return nameServers;
    }

    /** Host names to addresses for client connections, without blocking an event loop. */
    public AddressResolverGroup<InetSocketAddress> resolver() {
        return resolver;
    }

    /** An event loop group of {@code threads} (0 = Netty's default, two per core) with daemon threads named {@code name}. */
    public EventLoopGroup newGroup(int threads, String name) {
        var threadFactory = new DefaultThreadFactory(name, true);
        return new MultiThreadIoEventLoopGroup(threads, threadFactory,
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    @Override
    public String toString() {
        return name + (nameServers.isEmpty() ? "" : " (name servers " + nameServers + ")");
    }
}
