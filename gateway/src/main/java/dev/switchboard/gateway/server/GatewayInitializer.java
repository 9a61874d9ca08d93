package dev.switchboard.gateway.server;

import dev.switchboard.gateway.handler.ApiRequestHandler;
import dev.switchboard.gateway.handler.ConnectionIdleHandler;
import dev.switchboard.gateway.handler.ExpectContinueHandler;
import dev.switchboard.gateway.handler.PipeliningHandler;
import dev.switchboard.gateway.handler.RequestBuffers;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AsciiString;

/**
 * A client connection's pipeline. Cleartext connections speak HTTP/1.1, or HTTP/2 (h2c) by prior knowledge or by
 * an {@code Upgrade: h2c} request; TLS connections choose h2 or http/1.1 by ALPN. HTTP/2 streams each get their own
 * child channel. Both end in the same
 * {@link ApiRequestHandler}: HTTP/2 frames are converted to HTTP/1.x message objects per stream, so request handling,
 * routing and relaying are written once.
 *
 * <pre>
 * HTTP/1.1:  HttpServerCodec - ConnectionIdleHandler - HttpServerKeepAliveHandler - PipeliningHandler
 *              - ExpectContinueHandler - ApiRequestHandler
 * HTTP/2:    Http2FrameCodec - Http2MultiplexHandler - ConnectionIdleHandler
 *              -> per stream: Http2StreamFrameToHttpObjectCodec - ApiRequestHandler
 * </pre>
 */
final class GatewayInitializer extends ChannelInitializer<SocketChannel> {
    /** Longest request line and header block accepted; beyond them the codec fails the request (400). */
    static final int MAX_INITIAL_LINE = 8192;
    static final int MAX_HEADER_BYTES = 65_536;
    /** Concurrent streams a client may open on one HTTP/2 connection. */
    static final int MAX_CONCURRENT_STREAMS = 1000;

    private final GatewayContext gateway;
    private final ChannelGroup clients;
    /** TLS for the listener, or null for cleartext. */
    private final SslContext tls;

    GatewayInitializer(GatewayContext gateway, ChannelGroup clients, SslContext tls) {
        this.gateway = gateway;
        this.clients = clients;
        this.tls = tls;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        clients.add(ch);
        if (tls != null) {
            ch.pipeline().addLast(tls.newHandler(ch.alloc()), new ApplicationProtocolNegotiationHandler(
                    ApplicationProtocolNames.HTTP_1_1) {
                @Override
                protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                    if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                        ctx.pipeline().addLast(http2Handlers());
                    } else {
                        ctx.pipeline().addLast(newHttp1Codec());
                        ctx.pipeline().addLast(http1Handlers());
                    }
                }
            });
            return;
        }
        HttpServerCodec http1 = newHttp1Codec();
        HttpServerUpgradeHandler upgrade = new HttpServerUpgradeHandler(http1, protocol -> {
            if (!AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)) {
                return null;
            }
            ChannelHandler[] h2 = http2Handlers();
            return new Http2ServerUpgradeCodec((Http2FrameCodec) h2[0], h2[1], h2[2]);
        }, gateway.listener().maxBodyBytes());
        ch.pipeline().addLast(new CleartextHttp2ServerUpgradeHandler(http1, upgrade, new PriorKnowledgeHttp2()));
        ch.pipeline().addLast(http1Handlers());
    }

    /**
     * Installed when a cleartext connection opens with the HTTP/2 preface: puts the HTTP/2 handlers where it stands
     * (a ChannelInitializer would append them after the HTTP/1 handlers, which would then see the frames) and drops
     * the HTTP/1 handlers that follow.
     */
    private final class PriorKnowledgeHttp2 extends ChannelHandlerAdapter {
        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            ChannelPipeline p = ctx.pipeline();
            p.remove(ConnectionIdleHandler.class);
            p.remove(HttpServerKeepAliveHandler.class);
            p.remove(PipeliningHandler.class);
            p.remove(ExpectContinueHandler.class);
            p.remove(ApiRequestHandler.class);
            ChannelHandler[] h2 = http2Handlers();
            p.replace(this, "h2-frames", h2[0]); // the multiplexer needs the frame codec in place
            p.addAfter("h2-frames", "h2-streams", h2[1]);
            p.addAfter("h2-streams", null, h2[2]);
        }
    }

    /** What follows the HTTP/1.1 codec: see the class comment. */
    private ChannelHandler[] http1Handlers() {
        return new ChannelHandler[] {ConnectionIdleHandler.http1(
            gateway.listener().client().idleTimeout().toNanos()),
            new HttpServerKeepAliveHandler(), new PipeliningHandler(), new ExpectContinueHandler(gateway),
            new ApiRequestHandler(gateway, gateway.requestBuffers())};
    }

    private static HttpServerCodec newHttp1Codec() {
        return new HttpServerCodec(new HttpDecoderConfig().setMaxInitialLineLength(MAX_INITIAL_LINE)
                .setMaxHeaderSize(MAX_HEADER_BYTES));
    }

    /**
     * One HTTP/2 connection's handlers: the frame codec, the stream multiplexer, and the connection's idle timer,
     * which its streams keep informed. The connection's streams share one budget for buffered request bodies.
     */
    private ChannelHandler[] http2Handlers() {
        Http2FrameCodecBuilder b = Http2FrameCodecBuilder.forServer();
        b.initialSettings().maxConcurrentStreams(MAX_CONCURRENT_STREAMS).maxHeaderListSize(MAX_HEADER_BYTES);
        var client = gateway.listener().client();
        ConnectionIdleHandler idle = ConnectionIdleHandler.http2(client.idleTimeout().toNanos());
        RequestBuffers buffers = gateway.requestBuffers().connection(client.maxBufferedBytesPerConnection());
        Http2MultiplexHandler streams = new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                idle.streamOpened();
                stream.closeFuture().addListener(f -> idle.streamClosed());
                stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true),
                        new ApiRequestHandler(gateway, buffers));
            }
        });
        return new ChannelHandler[] {b.build(), streams, idle};
    }
}
