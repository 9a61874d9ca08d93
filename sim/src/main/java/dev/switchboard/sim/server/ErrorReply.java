package dev.switchboard.sim.server;

import dev.switchboard.core.error.ApiError;
import io.netty.channel.ChannelHandlerContext;

/** How one API answers an error of the simulator's own (injected failures, a full queue): in that API's shape. */
@FunctionalInterface
interface ErrorReply {

    void send(ChannelHandlerContext ctx, int status, String message, boolean keepAlive);

    /** The OpenAI shape, as vLLM answers. */
    static ErrorReply openAi(SimEndpoint endpoint) {
        return (ctx, status, message, keepAlive) -> Responses.error(ctx, endpoint, switch (status) {
            case 400 -> ApiError.badRequest(message, null);
            case 429 -> ApiError.rateLimited(message);
            default -> ApiError.serverError(status, message);
        }, keepAlive);
    }
}
