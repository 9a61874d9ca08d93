package dev.switchboard.gateway.upstream;

import dev.switchboard.core.config.Upstream;
import dev.switchboard.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLException;

/**
 * Keep-alive connections to upstreams, kept per event loop: a downstream request borrows a connection on its own
 * loop, so borrowing, returning and every read and write of the connection need no lock and no thread hop.
 */
public final class UpstreamPool {
    /*
     * Idle connections per (event loop, upstream) in a LIFO deque: the most recently used connection is the one
     * most likely still open on the server side. A connection closed while idle is found and dropped when next
     * popped. Connections are HTTP/1.1 (vLLM and most OpenAI-compatible servers speak it; HTTP/2 to upstreams comes
     * with provider support), TLS by the JDK's default trust store with SNI.
     */

    /** Idle connections kept per upstream and event loop; more are closed on release. */
    static final int MAX_IDLE_PER_UPSTREAM = 256;

    private final Transport transport;
    private final Duration connectTimeout;
    private final SslContext tls;
    private final FastThreadLocal<Map<Upstream, ArrayDeque<UpstreamConnection>>> idle = new FastThreadLocal<>() {
        @Override
        protected Map<Upstream, ArrayDeque<UpstreamConnection>> initialValue() {
            return new HashMap<>();
        }
    };

    public UpstreamPool(Transport transport, Duration connectTimeout) {
        this.transport = transport;
        this.connectTimeout = connectTimeout;
        try {
            this.tls = SslContextBuilder.forClient().build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up TLS for upstreams", e);
        }
    }

    /** A connection to {@code upstream}; must be called on {@code loop}, and the future completes there. */
    public Future<UpstreamConnection> acquire(EventLoop loop, Upstream upstream) {
        ArrayDeque<UpstreamConnection> idleSet = idle.get().get(upstream);
        while (idleSet != null && !idleSet.isEmpty()) {
            UpstreamConnection c = idleSet.pollLast();
            if (c.channel().isActive()) {
                return loop.newSucceededFuture(c);
            }
        }
        Promise<UpstreamConnection> promise = loop.newPromise();
        UpstreamHandler handler = new UpstreamHandler();
        ChannelFuture connect = new Bootstrap()
                .group(loop)
                .channel(transport.clientChannel())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (upstream.tls()) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc(), upstream.host(), upstream.port()));
                        }
                        ch.pipeline().addLast(new HttpClientCodec()).addLast(handler);
                    }
                })
                .connect(upstream.host(), upstream.port());
        connect.addListener(f -> {
            if (f.isSuccess()) {
                promise.setSuccess(new UpstreamConnection(connect.channel(), upstream, handler));
            } else {
                promise.setFailure(f.cause());
            }
        });
        return promise;
    }

    /**
     * Takes a connection back after an exchange. {@code reusable}: the response ended cleanly and both sides keep
     * the connection alive; otherwise it is closed. Must be called on the connection's loop.
     */
    public void release(UpstreamConnection c, boolean reusable) {
        c.detach();
        if (!reusable || !c.channel().isActive()) {
            c.channel().close();
            return;
        }
        ArrayDeque<UpstreamConnection> set = idle.get().computeIfAbsent(c.upstream(), u -> new ArrayDeque<>());
        if (set.size() >= MAX_IDLE_PER_UPSTREAM) {
            c.channel().close();
            return;
        }
        set.addLast(c);
    }
}
