package dev.switchboard.gateway.server;

import dev.switchboard.gateway.handler.ApiRequestHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;

/**
 * A client connection's pipeline: HTTP/1.1 codec (request line and headers bounded), keep-alive, then
 * {@link ApiRequestHandler}, which answers everything.
 */
final class GatewayInitializer extends ChannelInitializer<SocketChannel> {
    /** Longest request line and header block accepted; beyond them the codec fails the request (400). */
    static final int MAX_INITIAL_LINE = 8192;
    static final int MAX_HEADER_BYTES = 65_536;

    private final GatewayContext gateway;
    private final ChannelGroup clients;

    GatewayInitializer(GatewayContext gateway, ChannelGroup clients) {
        this.gateway = gateway;
        this.clients = clients;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        clients.add(ch);
        ch.pipeline()
                .addLast(new HttpServerCodec(new HttpDecoderConfig().setMaxInitialLineLength(MAX_INITIAL_LINE)
                        .setMaxHeaderSize(MAX_HEADER_BYTES)))
                .addLast(new HttpServerKeepAliveHandler())
                .addLast(new ApiRequestHandler(gateway));
    }
}
