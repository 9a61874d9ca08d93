package dev.switchboard.gateway.upstream;

import dev.switchboard.core.config.Upstream;
import dev.switchboard.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;

/**
 * Connections to upstreams, kept per event loop: a downstream request borrows a connection on its own loop, so
 * borrowing, returning and every read and write need no lock and no thread hop.
 */
public final class UpstreamPool {
    /*
     * HTTP/1.1 (cleartext, or TLS where the upstream picks http/1.1 by ALPN): idle keep-alive connections per
     * (event loop, upstream) in a LIFO deque, since the most recently used one is the most likely still open. Each
     * idle connection has a read pending, so a server's close (or bytes it sends unasked, which close it) is
     * noticed while idle on every transport, not first by the request that takes it; the exchange that takes it
     * reads right after writing anyway.
     *
     * HTTP/2 (TLS upstreams that pick h2 by ALPN): one connection per (event loop, upstream), shared; each request
     * opens a stream on it (a child channel with the same HTTP object codec the HTTP/1.1 path uses, so the exchange
     * is written once), and the stream is closed when the exchange ends. The parent connection reads on its own:
     * flow control is per stream, through each stream channel's manual reads.
     *
     * Eviction (one loop's connections are a LoopConnections, which does this). An idle HTTP/1.1 connection is kept
     * at most the idle timeout: the server may close it at any time (uvicorn after 5 s), and one it closes just as
     * a request takes it fails that request.
     * - Release stamps the connection (idleSince) and pushes it on its upstream's deque. The newest is reused
     *   first and the oldest sit at the head, so the expired ones are always a prefix.
     * - Borrow pops the newest and hands it out only if it is open and younger than the timeout, closing the ones
     *   it passes, so a connection older than the timeout is never used however late the sweep runs. O(1), one
     *   nanoTime read, no allocation.
     * - A connection that closes while idle leaves its deque at once, through a close listener added when it was
     *   made (once per connection, not per request).
     * - A sweep runs on the loop every timeout / SWEEPS_PER_TIMEOUT while the loop holds anything. It closes the
     *   expired prefix of every deque and the HTTP/2 connections that have had no stream for the timeout, and
     *   drops empty deques. The maps thus hold only upstreams with connections now or within one sweep: an
     *   upstream that left the configuration is forgotten once its connections went idle, and an idle loop runs no
     *   timer. Empty deques are not dropped on borrow, which would allocate a new deque at every release.
     * - HTTP/2 connections leave their map when they close. A negotiating promise always completes (the connect or
     *   the handshake fails, ALPN picks a protocol, or the channel closes), and leaves its map then.
     *
     * Host names are looked up by the transport's asynchronous DNS resolver (this loop's, kept), never by the JDK's
     * blocking lookup; IP literals are not looked up at all.
     */

    /** Idle HTTP/1.1 connections kept per upstream and event loop; more are closed on release. */
    static final int MAX_IDLE_PER_UPSTREAM = 256;

    private final Transport transport;
    private final Duration connectTimeout;
    private final UpstreamTls tlsContexts = new UpstreamTls();
    private final FastThreadLocal<LoopConnections> perLoop;

    /**
     * @param connectTimeout time allowed to open a connection
     * @param idleTimeout    how long an idle HTTP/1.1 connection (or an HTTP/2 one without streams) is kept
     */
    public UpstreamPool(Transport transport, Duration connectTimeout, Duration idleTimeout) {
        if (!idleTimeout.isPositive()) {
            throw new IllegalArgumentException("idle timeout must be positive, got " + idleTimeout);
        }
        this.transport = transport;
        this.connectTimeout = connectTimeout;
        long idleNanos = idleTimeout.toNanos();
        this.perLoop = new FastThreadLocal<>() {
            @Override
            protected LoopConnections initialValue() {
                return new LoopConnections(idleNanos);
            }
        };
    }

    /**
     * What one loop holds: upstreams with an idle-connection deque, idle connections, shared HTTP/2 connections,
     * TLS connects being negotiated.
     */
    record LoopSizes(int idleUpstreams, int idleConnections, int http2Upstreams, int negotiating) {}

    /** What the calling loop holds; for tests. */
    LoopSizes sizes() {
        return perLoop.get().sizes();
    }

    /** A connection (or HTTP/2 stream) to {@code upstream}; call on {@code loop}; the future completes there. */
    public Future<UpstreamConnection> acquire(EventLoop loop, Upstream upstream) {
        LoopConnections mine = perLoop.get();
        LoopConnections.SharedConnection shared = mine.shared(upstream);
        if (shared != null) {
            return openStream(loop, shared, upstream);
        }
        UpstreamConnection idle = mine.pollIdle(upstream);
        if (idle != null) {
            return loop.newSucceededFuture(idle);
        }
        Promise<Void> pending = mine.negotiating.get(upstream);
        if (pending != null) {
            // A burst must not open one TLS connection per request: wait, and share the connection if it is HTTP/2.
            Promise<UpstreamConnection> promise = loop.newPromise();
            pending.addListener(f -> cascade(acquire(loop, upstream), promise));
            return promise;
        }
        return connect(loop, upstream, mine);
    }

    private static void cascade(Future<UpstreamConnection> from, Promise<UpstreamConnection> to) {
        from.addListener(f -> {
            if (f.isSuccess()) {
                to.trySuccess(from.getNow());
            } else {
                to.tryFailure(f.cause());
            }
        });
    }

    private Future<UpstreamConnection> connect(EventLoop loop, Upstream upstream, LoopConnections mine) {
        Promise<UpstreamConnection> promise = loop.newPromise();
        boolean tls = upstream.tls() != null;
        if (tls) {
            Promise<Void> negotiated = loop.newPromise();
            mine.negotiating.put(upstream, negotiated);
            promise.addListener(f -> {
                mine.negotiating.remove(upstream, negotiated);
                negotiated.trySuccess(null); // waiters look again: at the shared HTTP/2 connection, or connect their own
            });
        }
        InetAddress literal = NetUtil.createInetAddressFromIpAddressString(upstream.host());
        if (literal != null) {
            open(loop, upstream, mine, new InetSocketAddress(literal, upstream.port()), promise);
            return promise;
        }
        Future<InetSocketAddress> resolved = mine.resolver(loop, transport)
                .resolve(InetSocketAddress.createUnresolved(upstream.host(), upstream.port()));
        resolved.addListener(f -> {
            if (f.isSuccess()) {
                open(loop, upstream, mine, resolved.getNow(), promise);
            } else {
                promise.tryFailure(f.cause());
            }
        });
        return promise;
    }

    private void open(EventLoop loop, Upstream upstream, LoopConnections mine, InetSocketAddress address,
            Promise<UpstreamConnection> promise) {
        UpstreamHandler handler = new UpstreamHandler();
        boolean tls = upstream.tls() != null;
        ChannelFuture connect = new Bootstrap()
                .group(loop)
                .channel(transport.clientChannel())
                .disableResolver() // resolved above, on this loop's resolver
                .option(ChannelOption.AUTO_READ, tls) // the TLS handshake reads on its own; HTTP/1.1 reads on demand
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls) {
                            ch.pipeline().addLast(tlsContexts.handler(ch, upstream), new Alpn(upstream, handler, promise, mine));
                        } else {
                            ch.pipeline().addLast(new HttpClientCodec(), handler);
                        }
                    }
                })
                .connect(address);
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                promise.tryFailure(f.cause());
            } else if (!tls) {
                promise.trySuccess(connection(connect.channel(), upstream, handler, mine));
            } // TLS: the ALPN handler completes the promise once the protocol is known
        });
        // whatever happens before the promise completes (a handshake cut short), a closed channel completes it
        connect.channel().closeFuture().addListener(f -> {
            if (!promise.isDone()) {
                promise.tryFailure(new ClosedChannelException());
            }
        });
    }

    /** A new HTTP/1.1 connection, which leaves the loop's idle connections when it closes. */
    private static UpstreamConnection connection(Channel ch, Upstream upstream, UpstreamHandler handler,
            LoopConnections mine) {
        UpstreamConnection c = new UpstreamConnection(ch, upstream, handler, false);
        ch.closeFuture().addListener(f -> mine.closed(c));
        return c;
    }

    /** Completes the TLS handshake's protocol choice: an HTTP/1.1 connection, or a shared HTTP/2 one plus a stream. */
    private final class Alpn extends ApplicationProtocolNegotiationHandler {
        private final Upstream upstream;
        private final UpstreamHandler handler;
        private final Promise<UpstreamConnection> promise;
        private final LoopConnections mine;

        Alpn(Upstream upstream, UpstreamHandler handler, Promise<UpstreamConnection> promise, LoopConnections mine) {
            super(ApplicationProtocolNames.HTTP_1_1);
            this.upstream = upstream;
            this.handler = handler;
            this.promise = promise;
            this.mine = mine;
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            Channel ch = ctx.channel();
            if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                        new Http2MultiplexHandler(new ChannelInboundHandlerAdapter())); // no server push expected
                cascade(openStream(ch.eventLoop(), mine.share(upstream, ch), upstream), promise);
            } else {
                ch.config().setAutoRead(false);
                ch.pipeline().addLast(new HttpClientCodec(), handler);
                promise.trySuccess(connection(ch, upstream, handler, mine));
            }
        }

        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            promise.tryFailure(cause);
            ctx.close();
        }
    }

    private Future<UpstreamConnection> openStream(EventLoop loop, LoopConnections.SharedConnection parent,
            Upstream upstream) {
        Promise<UpstreamConnection> promise = loop.newPromise();
        UpstreamHandler handler = new UpstreamHandler();
        parent.streamOpening();
        new Http2StreamChannelBootstrap(parent.channel)
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel stream) {
                        stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(false), handler);
                    }
                })
                .open()
                .addListener(f -> {
                    if (f.isSuccess()) {
                        Channel stream = (Channel) f.getNow();
                        stream.closeFuture().addListener(parent); // counts the stream closed
                        promise.trySuccess(new UpstreamConnection(stream, upstream, handler, true));
                    } else {
                        parent.streamClosed();
                        promise.tryFailure(f.cause());
                    }
                });
        return promise;
    }

    /**
     * Takes a connection back after an exchange. {@code reusable}: the response ended cleanly and both sides keep
     * an HTTP/1.1 connection alive; otherwise it is closed. A reusable connection is kept idle for the idle
     * timeout at most. An HTTP/2 stream is always closed (its connection stays). Call on the connection's loop.
     */
    public void release(UpstreamConnection c, boolean reusable) {
        c.detach();
        if (c.stream() || !reusable || !c.channel().isActive()) {
            c.channel().close();
            return;
        }
        if (!perLoop.get().offerIdle(c, MAX_IDLE_PER_UPSTREAM)) {
            c.channel().close();
            return;
        }
        c.channel().read(); // while idle: notice the server closing it, or talking out of turn (which closes it)
    }
}
