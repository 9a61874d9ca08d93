package dev.switchboard.bench.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;

/**
 * Keep-alive connections to one origin: an idle connection is reused when there is one, otherwise a new one is
 * opened. No cap: the load model (concurrency, or the arrival rate times latency) bounds how many are open.
 * Confined to the client's event loop.
 */
final class ConnectionPool {
    private final EventLoop loop;
    private final InetSocketAddress address;
    /** Set once by {@link #create}: its initializer needs this pool. */
    private Bootstrap bootstrap;
    /** Most recently released first: the warmest connection is reused and surplus ones idle at the tail. */
    private final ArrayDeque<Channel> idle = new ArrayDeque<>();
    private final Set<Channel> open = new HashSet<>();
    private long opened;

    private ConnectionPool(EventLoop loop, InetSocketAddress address) {
        this.loop = loop;
        this.address = address;
    }

    /**
     * A pool connecting to {@code address} (already resolved) with {@code base}'s options; {@code ssl} is null for
     * plain HTTP.
     */
    static ConnectionPool create(EventLoop loop, Bootstrap base, Origin origin, InetSocketAddress address, SslContext ssl) {
        ConnectionPool pool = new ConnectionPool(loop, address);
        pool.bootstrap = base.clone().handler(new ClientChannelInitializer(origin, ssl, pool));
        return pool;
    }

    /** An idle connection, or a new one once it is connected. */
    Future<Channel> acquire() {
        Channel ch;
        while ((ch = idle.pollFirst()) != null) {
            if (ch.isActive()) {
                return loop.newSucceededFuture(ch);
            }
        }
        ChannelFuture connect = bootstrap.connect(address);
        Channel fresh = connect.channel();
        opened++;
        open.add(fresh);
        fresh.closeFuture().addListener(f -> {
            open.remove(fresh);
            idle.remove(fresh);
        });
        Promise<Channel> promise = loop.newPromise();
        connect.addListener(f -> {
            if (f.isSuccess()) {
                promise.setSuccess(fresh);
            } else {
                promise.setFailure(f.cause());
            }
        });
        return promise;
    }

    /** Puts a connection whose exchange completed back for reuse. */
    void release(Channel ch) {
        if (ch.isActive()) {
            idle.addFirst(ch);
        }
    }

    /** Connections opened so far. */
    long opened() {
        return opened;
    }

    void closeAll() {
        for (Channel ch : new ArrayList<>(open)) {
            ch.close();
        }
    }
}
