package dev.switchboard.sim.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.error.ApiError;
import dev.switchboard.core.http.HeaderNames;
import dev.switchboard.sim.engine.BlockHasher;
import dev.switchboard.sim.engine.Engine;
import dev.switchboard.sim.engine.GenerationRequest;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import dev.switchboard.sim.SimApi;

/**
 * The simulator's routes. Last in the pipeline, after the codec and the aggregator; answers every request itself:
 * the OpenAI ones here, the other provider personalities' through {@link ProviderRequests}, each generation
 * through {@link #launch}.
 * One request at a time per connection: reading pauses while a generation is in flight.
 */
final class SimRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    /** The OpenAI personality's paths, answered 404 when {@code --api} leaves it out. */
    private static final Set<String> OPENAI_PATHS = Set.of("/v1/models", "/v1/chat/completions", "/v1/completions",
            "/v1/embeddings");
    private final SimEndpoint endpoint;
    private final ProviderRequests providers;
    /** The generation in flight on this connection, cancelled if the client goes away. */
    private Engine.Handle inFlight;

    SimRequestHandler(SimEndpoint endpoint) {
        this.endpoint = endpoint;
        this.providers = new ProviderRequests(endpoint, this::launch);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (!req.decoderResult().isSuccess()) {
            Responses.error(ctx, endpoint, ApiError.badRequest("Malformed HTTP request.", null), false);
            return;
        }
        String script = req.headers().get(HeaderNames.SIM_SCRIPT);
        if (script != null) {
            ScriptedResponder.respond(ctx, endpoint, req, script, keepAlive);
            return;
        }
        String path = pathOf(req.uri());
        HttpMethod method = req.method();
        ProviderRoute route;
        try {
            route = ProviderRoute.match(path);
        } catch (IllegalArgumentException e) { // a malformed %-escape in a model id
            Responses.error(ctx, endpoint, ApiError.badRequest("Malformed path " + path + ".", null), keepAlive);
            return;
        }
        if (route != null) {
            providers.handle(ctx, req, route, keepAlive);
            return;
        }
        if (!endpoint.apis.contains(SimApi.OPENAI) && OPENAI_PATHS.contains(path)) {
            Responses.error(ctx, endpoint, ApiError.notFound("Unknown path " + path + " (this simulator serves "
                    + endpoint.apis.toString().toLowerCase(Locale.ROOT) + "; see --api).", "unknown_url"), keepAlive);
            return;
        }
        switch (path) {
            case "/health" -> text(ctx, HttpResponseStatus.OK, "", keepAlive);
            case "/metrics" -> only(ctx, method, HttpMethod.GET, keepAlive, () -> Responses.send(ctx, endpoint,
                    HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8",
                    Unpooled.copiedBuffer(MetricsText.render(endpoint), StandardCharsets.UTF_8), keepAlive));
            case "/v1/models" -> only(ctx, method, HttpMethod.GET, keepAlive, () -> Responses.send(ctx, endpoint,
                    HttpResponseStatus.OK, HttpHeaderValues.APPLICATION_JSON, ModelList.render(ctx.alloc(), endpoint), keepAlive));
            case "/v1/chat/completions" -> only(ctx, method, HttpMethod.POST, keepAlive, () -> {
                if (offersTools(req)) {
                    providers.handle(ctx, req, new ProviderRoute(ProviderRoute.Endpoint.OPENAI_CHAT_TOOLS, null), keepAlive);
                } else {
                    generate(ctx, req, Api.CHAT, keepAlive);
                }
            });
            case "/v1/completions" -> only(ctx, method, HttpMethod.POST, keepAlive, () -> generate(ctx, req, Api.COMPLETION, keepAlive));
            case "/v1/embeddings" -> only(ctx, method, HttpMethod.POST, keepAlive, () -> generate(ctx, req, Api.EMBEDDING, keepAlive));
            case "/v1/load_lora_adapter" -> only(ctx, method, HttpMethod.POST, keepAlive, () -> loadLora(ctx, req, keepAlive));
            case "/v1/unload_lora_adapter" -> only(ctx, method, HttpMethod.POST, keepAlive, () -> unloadLora(ctx, req, keepAlive));
            default -> Responses.error(ctx, endpoint, ApiError.notFound("Unknown path " + path + ".", "unknown_url"), keepAlive);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (inFlight != null) {
            inFlight.cancel();
            inFlight = null;
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // connection-level errors (reset by peer): nothing to answer
    }

    private void generate(ChannelHandlerContext ctx, FullHttpRequest req, Api api, boolean keepAlive) {
        ParsedRequest p;
        try {
            p = endpoint.parser.parse(api, RequestParser.readObject(ByteBufUtil.getBytes(req.content())));
        } catch (RequestParser.Rejected e) {
            Responses.error(ctx, endpoint, e.error, keepAlive);
            return;
        } catch (IllegalArgumentException e) {
            Responses.error(ctx, endpoint, ApiError.badRequest(e.getMessage(), null), keepAlive);
            return;
        }
        String seedName = p.adapter() != null ? p.adapter() : p.model();
        GenerationRequest g = new GenerationRequest(p.promptIds().length,
                BlockHasher.hash(p.promptIds(), endpoint.engine.config().profile().blockSize(), seedName),
                p.outputTokens(), p.maxTokens(), p.adapter(), p.promptIds());
        var writer = new OpenAiResponseWriter(ctx, endpoint, p, req.headers().get(HeaderNames.ENDPOINT_LOAD_METRICS_FORMAT),
                keepAlive);
        launch(ctx, req, new Generation(g, p.stream(), p.outputTokens(), writer), ErrorReply.openAi(endpoint), keepAlive);
    }

    /**
     * What every generating route shares once its request is read: failure injection ({@code x-sim-fail} or
     * {@code --failure-rate}; errors in the route's own shape), then the engine submission (at once, or late for an
     * injected slow first token), with reading paused while the generation runs.
     */
    void launch(ChannelHandlerContext ctx, FullHttpRequest req, Generation gen, ErrorReply errors, boolean keepAlive) {
        FailureInjector.Type failure;
        try {
            failure = endpoint.failures.pick(req.headers().get(HeaderNames.SIM_FAIL));
        } catch (IllegalArgumentException e) {
            errors.send(ctx, 400, e.getMessage(), keepAlive);
            return;
        }
        if (failure != null) {
            switch (failure) {
                case RATE_LIMIT -> {
                    errors.send(ctx, 429, "Injected failure: the server is overloaded.", keepAlive);
                    return;
                }
                case SERVER_ERROR, UNAVAILABLE -> {
                    errors.send(ctx, failure == FailureInjector.Type.SERVER_ERROR ? 500 : 503,
                            "Injected failure: " + failure.token + ".", keepAlive);
                    return;
                }
                case RESET -> {
                    if (!gen.stream()) {
                        Responses.reset(ctx);
                        return;
                    }
                }
                case SLOW -> { }
            }
        }
        int resetAfter = failure == FailureInjector.Type.RESET ? Math.min(2, Math.max(0, gen.outputTokens() - 2)) : -1;
        ctx.channel().config().setAutoRead(false);
        GenerationResponder responder = new GenerationResponder(ctx, gen.writer(), resetAfter, () -> done(ctx));
        Runnable submit = () -> {
            if (!ctx.channel().isActive()) {
                return;
            }
            inFlight = endpoint.engine.submit(gen.request(), responder);
            if (inFlight == null) {
                done(ctx);
                errors.send(ctx, 429, "The waiting requests queue is full.", keepAlive);
            }
        };
        if (failure == FailureInjector.Type.SLOW) {
            ctx.executor().schedule(submit, endpoint.failures.slowFirstTokenMillis, TimeUnit.MILLISECONDS);
        } else {
            submit.run();
        }
    }

    private void done(ChannelHandlerContext ctx) {
        inFlight = null;
        ctx.channel().config().setAutoRead(true);
    }

    private void loadLora(ChannelHandlerContext ctx, FullHttpRequest req, boolean keepAlive) {
        try {
            JsonNode body = RequestParser.readObject(ByteBufUtil.getBytes(req.content()));
            String name = body.path("lora_name").asText("");
            if (name.isEmpty() || body.path("lora_path").asText("").isEmpty()) {
                throw new RequestParser.Rejected(ApiError.badRequest("Both 'lora_name' and 'lora_path' must be provided.", null));
            }
            if (name.equals(endpoint.model) || !endpoint.engine.adapters().add(name)) {
                throw new RequestParser.Rejected(ApiError.badRequest("The lora adapter '" + name + "' has already been loaded.",
                        "lora_name"));
            }
            text(ctx, HttpResponseStatus.OK, "Success: LoRA adapter '" + name + "' added successfully.", keepAlive);
        } catch (RequestParser.Rejected e) {
            Responses.error(ctx, endpoint, e.error, keepAlive);
        }
    }

    private void unloadLora(ChannelHandlerContext ctx, FullHttpRequest req, boolean keepAlive) {
        try {
            JsonNode body = RequestParser.readObject(ByteBufUtil.getBytes(req.content()));
            String name = body.path("lora_name").asText("");
            if (name.isEmpty()) {
                throw new RequestParser.Rejected(ApiError.badRequest("'lora_name' needs to be provided to unload a LoRA adapter.",
                        "lora_name"));
            }
            if (!endpoint.engine.adapters().remove(name)) {
                throw new RequestParser.Rejected(ApiError.notFound("The lora adapter '" + name + "' cannot be found.", null));
            }
            text(ctx, HttpResponseStatus.OK, "Success: LoRA adapter '" + name + "' removed successfully.", keepAlive);
        } catch (RequestParser.Rejected e) {
            Responses.error(ctx, endpoint, e.error, keepAlive);
        }
    }

    private void only(ChannelHandlerContext ctx, HttpMethod actual, HttpMethod allowed, boolean keepAlive, Runnable action) {
        if (!actual.equals(allowed)) {
            Responses.error(ctx, endpoint, new ApiError(405, ApiError.INVALID_REQUEST,
                    "Method " + actual + " is not allowed here; use " + allowed + ".", null, "method_not_allowed"), keepAlive);
            return;
        }
        action.run();
    }

    private void text(ChannelHandlerContext ctx, HttpResponseStatus status, String body, boolean keepAlive) {
        Responses.send(ctx, endpoint, status, "text/plain; charset=utf-8",
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8), keepAlive);
    }

    /** Whether a chat body offers tools (then it is answered through the codec, which makes tool calls). */
    private static boolean offersTools(FullHttpRequest req) {
        try {
            JsonNode tools = RequestParser.readObject(ByteBufUtil.getBytes(req.content())).get("tools");
            return tools != null && tools.isArray() && !tools.isEmpty();
        } catch (RequestParser.Rejected | RuntimeException e) {
            return false; // not JSON: the usual path answers the error
        }
    }

    private static String pathOf(String uri) {
        int q = uri.indexOf('?');
        return openAiAlias(q < 0 ? uri : uri.substring(0, q));
    }

    /**
     * The OpenAI chat path under the other names OpenAI-compatible clouds give it: Azure OpenAI's
     * {@code /openai/deployments/{deployment}/chat/completions} (the model is still read from the body, which a
     * gateway fills in) and Bedrock's OpenAI-compatible {@code /openai/v1/chat/completions}.
     */
    private static String openAiAlias(String path) {
        if (path.equals("/openai/v1/chat/completions")) {
            return "/v1/chat/completions";
        }
        if (path.startsWith("/openai/deployments/") && path.endsWith("/chat/completions")
                && path.indexOf('/', "/openai/deployments/".length()) == path.length() - "/chat/completions".length()) {
            return "/v1/chat/completions";
        }
        return path;
    }
}
