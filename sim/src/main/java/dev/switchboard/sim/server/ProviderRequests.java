package dev.switchboard.sim.server;

import dev.switchboard.core.model.ApproxChatTemplate;
import dev.switchboard.core.http.HeaderNames;
import dev.switchboard.core.model.ApproxTokenizer;
import dev.switchboard.providers.ResponseContext;
import dev.switchboard.providers.TranslationException;
import dev.switchboard.providers.anthropic.AnthropicCodec;
import dev.switchboard.providers.chat.ChatError;
import dev.switchboard.providers.chat.ChatRequest;
import dev.switchboard.providers.gemini.GeminiCodec;
import dev.switchboard.sim.engine.BlockHasher;
import dev.switchboard.sim.engine.GenerationRequest;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Serves the provider personalities' routes ({@link ProviderRoute}): decodes the body with the provider's codec into a
 * {@link ChatRequest}, renders its prompt with the OpenAI path's {@link ApproxChatTemplate}, and hands the generation to
 * the same launch as the OpenAI routes, with a {@link CodecResponseWriter}. Bad bodies, unknown models and requests
 * the codec cannot read are answered in the provider's error shape.
 *
 * <p>As the OpenAI path: the seed of the generated text is {@code promptTokens * 31 + firstTokenId}; without
 * {@code max_tokens} the limit is the context left; the output stops at a natural length drawn from the seed (mean
 * {@code --mean-output-tokens}), or at the limit. count_tokens / countTokens answer the template's token count.
 */
final class ProviderRequests {
    /** The shared half of a generating route: {@link SimRequestHandler#launch}. */
    @FunctionalInterface
    interface Launcher {
        void launch(ChannelHandlerContext ctx, FullHttpRequest req, Generation gen, ErrorReply errors, boolean keepAlive);
    }

    private final SimEndpoint endpoint;
    private final Launcher launcher;

    ProviderRequests(SimEndpoint endpoint, Launcher launcher) {
        this.endpoint = endpoint;
        this.launcher = launcher;
    }

    void handle(ChannelHandlerContext ctx, FullHttpRequest req, ProviderRoute route, boolean keepAlive) {
        ProviderRoute.Endpoint e = route.endpoint();
        String path = req.uri();
        if (e.operation == ProviderRoute.Operation.UNKNOWN || !endpoint.apis.contains(e.api)) {
            String why = e.operation == ProviderRoute.Operation.UNKNOWN ? "" : " (this simulator serves "
                    + endpoint.apis.toString().toLowerCase(java.util.Locale.ROOT) + "; see --api)";
            fail(ctx, e, new ChatError(404, ChatError.Kind.NOT_FOUND, "Unknown path " + path + why + ".", null), keepAlive);
            return;
        }
        if (!req.method().equals(HttpMethod.POST)) {
            fail(ctx, e, new ChatError(405, ChatError.Kind.INVALID_REQUEST, "Method " + req.method()
                    + " is not allowed here; use POST.", null), keepAlive);
            return;
        }
        ChatRequest chat;
        try {
            chat = decode(e, ByteBufUtil.getBytes(req.content()), route.pathModel());
        } catch (TranslationException ex) {
            fail(ctx, e, ex.toError(), keepAlive);
            return;
        }
        String adapter = null;
        if (!chat.model().equals(endpoint.model)) {
            if (!endpoint.engine.adapters().contains(chat.model())) {
                fail(ctx, e, new ChatError(404, ChatError.Kind.NOT_FOUND, "model: " + chat.model()
                        + " is not served here (the simulator serves " + endpoint.model + ").", "model"), keepAlive);
                return;
            }
            adapter = chat.model();
        }
        long[] ids = ApproxTokenizer.ids(ChatPrompt.render(chat));
        if (e.operation == ProviderRoute.Operation.COUNT_TOKENS) {
            byte[] body = e.api == dev.switchboard.sim.SimApi.GEMINI
                    ? ((GeminiCodec) e.codec).encodeCountTokensResponse(ids.length)
                    : ((AnthropicCodec) e.codec).countTokensResponseBody(ids.length);
            Responses.send(ctx, endpoint, HttpResponseStatus.OK, HttpHeaderValues.APPLICATION_JSON,
                    Unpooled.wrappedBuffer(body), keepAlive);
            return;
        }
        int maxModelLen = endpoint.engine.config().maxModelLen();
        if (chat.messages().isEmpty()) {
            fail(ctx, e, ChatError.invalid("The conversation is empty.", "messages"), keepAlive);
            return;
        }
        if (ids.length >= maxModelLen) {
            fail(ctx, e, ChatError.invalid("prompt is too long: " + ids.length + " tokens > " + (maxModelLen - 1)
                    + " maximum.", null), keepAlive);
            return;
        }
        int room = maxModelLen - ids.length;
        int maxTokens = room;
        if (chat.maxTokens() != null) {
            if (chat.maxTokens() < 1 || chat.maxTokens() > room) {
                fail(ctx, e, ChatError.invalid("max_tokens: " + chat.maxTokens() + " must be in [1, " + room
                        + "]: the context is " + maxModelLen + " tokens and the prompt has " + ids.length + ".",
                        "max_tokens"), keepAlive);
                return;
            }
            maxTokens = chat.maxTokens();
        }
        long seed = ids.length * 31L + ids[0];
        ToolAnswer tool = ToolAnswer.decide(chat, seed);
        int output = Math.min(maxTokens, tool != null ? tool.tokens() : endpoint.parser.naturalLength(seed));
        boolean stream = e.stream != null ? e.stream : chat.stream();
        String seedName = adapter != null ? adapter : chat.model();
        GenerationRequest g = new GenerationRequest(ids.length,
                BlockHasher.hash(ids, endpoint.engine.config().profile().blockSize(), seedName), output, maxTokens, adapter,
                ids);
        ResponseContext context = new ResponseContext(chat.model(), "sim" + Long.toHexString(seed ^ System.nanoTime()),
                System.currentTimeMillis() / 1000, chat.includeUsage());
        var writer = new CodecResponseWriter(ctx, endpoint, e, stream, context, seed, ids.length, tool,
                req.headers().get(HeaderNames.ENDPOINT_LOAD_METRICS_FORMAT), keepAlive);
        launcher.launch(ctx, req, new Generation(g, stream, output, writer), ProviderErrors.reply(endpoint, e), keepAlive);
    }

    private static ChatRequest decode(ProviderRoute.Endpoint e, byte[] body, String pathModel) throws TranslationException {
        return switch (e) {
            case MESSAGES_COUNT_TOKENS -> ((AnthropicCodec) e.codec).decodeCountTokensRequest(body);
            case GEMINI_GENERATE, GEMINI_STREAM_GENERATE ->
                    ((GeminiCodec) e.codec).decodeRequest(body, pathModel, e.stream);
            case GEMINI_COUNT_TOKENS -> ((GeminiCodec) e.codec).decodeCountTokensRequest(body, pathModel);
            default -> e.codec.decodeRequest(body, pathModel);
        };
    }

    private void fail(ChannelHandlerContext ctx, ProviderRoute.Endpoint e, ChatError error, boolean keepAlive) {
        ProviderErrors.send(ctx, endpoint, e, error, keepAlive);
    }
}
