package dev.switchboard.sim.server;

import dev.switchboard.core.error.ApiError;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;

/**
 * The simulator's pipeline: HTTP/1.1 codec, keep-alive, a body aggregator (413 in the OpenAI error shape past the
 * limit), then {@link SimRequestHandler}.
 */
final class SimChannelInitializer extends ChannelInitializer<SocketChannel> {
    private final SimEndpoint endpoint;
    private final int maxBodyBytes;

    SimChannelInitializer(SimEndpoint endpoint, int maxBodyBytes) {
        this.endpoint = endpoint;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.pipeline()
                .addLast(new HttpServerCodec())
                .addLast(new HttpServerKeepAliveHandler())
                .addLast(new BodyLimit(endpoint, maxBodyBytes))
                .addLast(new SimRequestHandler(endpoint));
    }

    /** Aggregates request bodies; answers 413 in the OpenAI error shape when one is too large. */
    private static final class BodyLimit extends HttpObjectAggregator {
        private final SimEndpoint endpoint;

        BodyLimit(SimEndpoint endpoint, int maxBodyBytes) {
            super(maxBodyBytes);
            this.endpoint = endpoint;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            Responses.error(ctx, endpoint, new ApiError(413, ApiError.INVALID_REQUEST,
                    "The request body is larger than the limit of " + maxContentLength() + " bytes.", null,
                    "request_too_large"), false);
        }
    }
}
