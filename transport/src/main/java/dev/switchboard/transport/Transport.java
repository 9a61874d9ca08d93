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
 * connections find their peers (an asynchronous, caching DNS resolver on the same kind of channel). One place
 * decides, so servers and clients in one process share the same kind of event loop and one DNS cache.
 *
 * @param name            a short description for logs ("epoll" or "nio")
 * @param serverChannel   listening sockets
 * @param clientChannel   outgoing TCP connections
 * @param datagramChannel UDP sockets (DNS queries)
 * @param epoll           whether this is the native epoll transport
 * @param resolver        host names to addresses for client connections, without blocking an event loop; see
 *                        {@link DnsResolvers}
 */
public record Transport(
        String name,
        Class<? extends ServerSocketChannel> serverChannel,
        Class<? extends SocketChannel> clientChannel,
        Class<? extends DatagramChannel> datagramChannel,
        boolean epoll,
        AddressResolverGroup<InetSocketAddress> resolver) {

    private static final Transport BEST = Epoll.isAvailable()
            ? of("epoll", EpollServerSocketChannel.class, EpollSocketChannel.class, EpollDatagramChannel.class, true)
            : of("nio", NioServerSocketChannel.class, NioSocketChannel.class, NioDatagramChannel.class, false);

    private static Transport of(String name, Class<? extends ServerSocketChannel> server,
            Class<? extends SocketChannel> client, Class<? extends DatagramChannel> datagram, boolean epoll) {
        return new Transport(name, server, client, datagram, epoll, DnsResolvers.system(datagram, client));
    }

    /** The best transport available here, resolving names as {@code /etc/hosts} and {@code /etc/resolv.conf} say. */
    public static Transport best() {
        return BEST;
    }

    /**
     * This transport with its own resolver that asks {@code nameServers} (in order) instead of the system's name
     * servers; the hosts file still answers first. For tests that serve DNS themselves, and for callers that know
     * their name servers.
     */
    public Transport withNameServers(List<InetSocketAddress> nameServers) {
        if (nameServers.isEmpty()) {
            throw new IllegalArgumentException("at least one name server expected");
        }
        return new Transport(name, serverChannel, clientChannel, datagramChannel, epoll,
                DnsResolvers.using(datagramChannel, clientChannel, nameServers));
    }

    /** An event loop group of {@code threads} (0 = Netty's default, two per core) with daemon threads named {@code name}. */
    public EventLoopGroup newGroup(int threads, String name) {
        var threadFactory = new DefaultThreadFactory(name, true);
        return new MultiThreadIoEventLoopGroup(threads, threadFactory,
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }
}
