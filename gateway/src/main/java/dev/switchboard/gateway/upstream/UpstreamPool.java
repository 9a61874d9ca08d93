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
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.resolver.AddressResolver;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * Connections to upstreams, kept per event loop: a downstream request borrows a connection on its own loop, so
 * borrowing, returning and every read and write need no lock and no thread hop.
 */
public final class UpstreamPool {
    /*
     * HTTP/1.1 (cleartext, or TLS where the upstream picks http/1.1 by ALPN): idle keep-alive connections per
     * (event loop, upstream) in a LIFO deque, since the most recently used one is the most likely still open. A
     * connection closed while idle is dropped when next popped.
     *
     * HTTP/2 (TLS upstreams that pick h2 by ALPN): one connection per (event loop, upstream), shared; each request
     * opens a stream on it (a child channel with the same HTTP object codec the HTTP/1.1 path uses, so the exchange
     * is written once), and the stream is closed when the exchange ends. The parent connection reads on its own:
     * flow control is per stream, through each stream channel's manual reads.
     *
     * Host names are looked up by the transport's asynchronous DNS resolver (this loop's, kept), never by the JDK's
     * blocking lookup; IP literals are not looked up at all.
     *
     * TLS trusts the system store, or the backend's CA file, or anything with insecureSkipVerify; the upstream's
     * host name is verified (HTTPS endpoint identification) unless insecureSkipVerify.
     */

    /** Idle HTTP/1.1 connections kept per upstream and event loop; more are closed on release. */
    static final int MAX_IDLE_PER_UPSTREAM = 256;

    private final Transport transport;
    private final Duration connectTimeout;
    private final Map<Upstream.Tls, SslContext> tlsContexts = new ConcurrentHashMap<>();
    private final FastThreadLocal<LoopConnections> perLoop = new FastThreadLocal<>() {
        @Override
        protected LoopConnections initialValue() {
            return new LoopConnections();
        }
    };

    /** One event loop's connections; touched only by that loop. */
    private static final class LoopConnections {
        final Map<Upstream, ArrayDeque<UpstreamConnection>> idle = new HashMap<>();
        final Map<Upstream, Channel> http2 = new HashMap<>();
        /** TLS connections whose protocol is still being negotiated: later acquires wait for them. */
        final Map<Upstream, Promise<Void>> negotiating = new HashMap<>();
        /** This loop's DNS resolver, kept so a connect does not ask the transport's group (which locks) for it. */
        private AddressResolver<InetSocketAddress> resolver;

        AddressResolver<InetSocketAddress> resolver(EventLoop loop, Transport transport) {
            if (resolver == null) {
                resolver = transport.resolver().getResolver(loop);
            }
            return resolver;
        }
    }

    public UpstreamPool(Transport transport, Duration connectTimeout) {
        this.transport = transport;
        this.connectTimeout = connectTimeout;
    }

    /** A connection (or HTTP/2 stream) to {@code upstream}; call on {@code loop}; the future completes there. */
    public Future<UpstreamConnection> acquire(EventLoop loop, Upstream upstream) {
        LoopConnections mine = perLoop.get();
        Channel shared = mine.http2.get(upstream);
        if (shared != null) {
            if (shared.isActive()) {
                return openStream(loop, shared, upstream);
            }
            mine.http2.remove(upstream);
        }
        ArrayDeque<UpstreamConnection> idleSet = mine.idle.get(upstream);
        while (idleSet != null && !idleSet.isEmpty()) {
            UpstreamConnection c = idleSet.pollLast();
            if (c.channel().isActive()) {
                return loop.newSucceededFuture(c);
            }
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
                            ch.pipeline().addLast(sslHandler(ch, upstream), new Alpn(upstream, handler, promise, mine));
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
                promise.trySuccess(new UpstreamConnection(connect.channel(), upstream, handler, false));
            } // TLS: the ALPN handler completes the promise once the protocol is known
        });
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
                mine.http2.put(upstream, ch);
                cascade(openStream(ch.eventLoop(), ch, upstream), promise);
            } else {
                ch.config().setAutoRead(false);
                ch.pipeline().addLast(new HttpClientCodec(), handler);
                promise.trySuccess(new UpstreamConnection(ch, upstream, handler, false));
            }
        }

        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            promise.tryFailure(cause);
            ctx.close();
        }
    }

    private Future<UpstreamConnection> openStream(EventLoop loop, Channel parent, Upstream upstream) {
        Promise<UpstreamConnection> promise = loop.newPromise();
        UpstreamHandler handler = new UpstreamHandler();
        new Http2StreamChannelBootstrap(parent)
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
                        promise.trySuccess(new UpstreamConnection((Channel) f.getNow(), upstream, handler, true));
                    } else {
                        promise.tryFailure(f.cause());
                    }
                });
        return promise;
    }

    private SslHandler sslHandler(Channel ch, Upstream upstream) {
        Upstream.Tls settings = upstream.tls();
        String name = settings.sni() != null ? settings.sni() : upstream.host();
        SslHandler ssl = tlsContexts.computeIfAbsent(settings, UpstreamPool::clientContext)
                .newHandler(ch.alloc(), name, upstream.port());
        if (!settings.insecureSkipVerify()) {
            SSLEngine engine = ssl.engine();
            SSLParameters params = engine.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            engine.setSSLParameters(params);
        }
        return ssl;
    }

    private static SslContext clientContext(Upstream.Tls settings) {
        try {
            SslContextBuilder b = SslContextBuilder.forClient().applicationProtocolConfig(new ApplicationProtocolConfig(
                    ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                    ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1));
            if (settings.insecureSkipVerify()) {
                b.trustManager(InsecureTrustManagerFactory.INSTANCE);
            } else if (settings.caFile() != null) {
                b.trustManager(settings.caFile().toFile());
            }
            return b.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot set up TLS to upstreams with " + settings + ": " + e.getMessage(), e);
        }
    }

    /**
     * Takes a connection back after an exchange. {@code reusable}: the response ended cleanly and both sides keep
     * an HTTP/1.1 connection alive; otherwise it is closed. An HTTP/2 stream is always closed (its connection
     * stays). Call on the connection's loop.
     */
    public void release(UpstreamConnection c, boolean reusable) {
        c.detach();
        if (c.stream() || !reusable || !c.channel().isActive()) {
            c.channel().close();
            return;
        }
        ArrayDeque<UpstreamConnection> set = perLoop.get().idle.computeIfAbsent(c.upstream(), u -> new ArrayDeque<>());
        if (set.size() >= MAX_IDLE_PER_UPSTREAM) {
            c.channel().close();
            return;
        }
        set.addLast(c);
    }
}
