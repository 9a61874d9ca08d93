package dev.switchboard.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The Netty transport for this machine: native epoll on Linux when its library loads, NIO otherwise. One place
 * decides, so servers and clients in one process share the same kind of event loop.
 *
 * @param name a short description for logs ("epoll" or "nio")
 */
public record Transport(
        String name,
        Class<? extends ServerSocketChannel> serverChannel,
        Class<? extends SocketChannel> clientChannel,
        boolean epoll) {

    private static final Transport BEST = Epoll.isAvailable()
            ? new Transport("epoll", EpollServerSocketChannel.class, EpollSocketChannel.class, true)
            : new Transport("nio", NioServerSocketChannel.class, NioSocketChannel.class, false);

    /** The best transport available here. */
    public static Transport best() {
        return BEST;
    }

    /** An event loop group of {@code threads} (0 = Netty's default, two per core) with daemon threads named {@code name}. */
    public EventLoopGroup newGroup(int threads, String name) {
        var threadFactory = new DefaultThreadFactory(name, true);
        return new MultiThreadIoEventLoopGroup(threads, threadFactory,
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }
}
