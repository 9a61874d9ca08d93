package dev.switchboard.sim.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.error.ApiError;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Test-upstream mode: the request's {@code x-sim-script} header (JSON, or base64 of it) checks what arrived and
 * scripts what goes back, so gateways and translators can be tested against exact provider wire formats.
 *
 * <pre>{@code
 * {"expect": {"method": "POST", "path": "/v1/messages",
 *             "headers": {"x-api-key": "k"}, "absentHeaders": ["authorization"],
 *             "body": {"model": "claude"}},          // a JSON subset the body must contain
 *  "status": 200, "headers": {"content-type": "text/event-stream"},
 *  "body": "text" | {json},                          // a whole body, or
 *  "sse": [{"event": "ping", "data": {json} | "text"}], // SSE events, one write and flush each, or
 *  "chunks": ["raw bytes", ...],                     // raw chunks, one write and flush each
 *  "repeat": 1,                                      // the events / chunks this many times (a large stream)
 *  "delayMs": 5,                                     // between events / chunks (0: all written at once)
 *  "firstDelayMs": 0,                                // before the response starts
 *  "reset": false}                                   // end with a TCP reset instead of a clean end
 * }</pre>
 * A failed expectation answers 417 with an OpenAI-shaped error listing every mismatch.
 */
final class ScriptedResponder {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ScriptedResponder() {}

    static void respond(ChannelHandlerContext ctx, SimEndpoint endpoint, FullHttpRequest req, String scriptHeader,
            boolean keepAlive) {
        JsonNode script;
        try {
            String text = scriptHeader.trim();
            if (!text.startsWith("{")) {
                text = new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8);
            }
            script = JSON.readTree(text);
        } catch (Exception e) {
            Responses.error(ctx, endpoint, ApiError.badRequest("x-sim-script is neither JSON nor base64 JSON: "
                    + e.getMessage(), null), keepAlive);
            return;
        }
        List<String> mismatches = check(script.path("expect"), req);
        if (!mismatches.isEmpty()) {
            Responses.error(ctx, endpoint, new ApiError(417, ApiError.INVALID_REQUEST,
                    "sim script expectation failed: " + String.join("; ", mismatches), null, "expectation_failed"), keepAlive);
            return;
        }
        long firstDelay = script.path("firstDelayMs").asLong(0);
        if (firstDelay > 0) {
            ctx.executor().schedule(() -> start(ctx, endpoint, script, keepAlive), firstDelay, TimeUnit.MILLISECONDS);
        } else {
            start(ctx, endpoint, script, keepAlive);
        }
    }

    static List<String> check(JsonNode expect, FullHttpRequest req) {
        List<String> out = new ArrayList<>();
        if (expect.hasNonNull("method") && !expect.get("method").asText().equalsIgnoreCase(req.method().name())) {
            out.add("method " + expect.get("method").asText() + " expected, got " + req.method());
        }
        String path = req.uri();
        if (expect.hasNonNull("path") && !expect.get("path").asText().equals(path)) {
            out.add("path " + expect.get("path").asText() + " expected, got " + path);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = expect.path("headers").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String got = req.headers().get(e.getKey());
            if (!e.getValue().asText().equals(got)) {
                out.add("header " + e.getKey() + ": '" + e.getValue().asText() + "' expected, got "
                        + (got == null ? "none" : "'" + got + "'"));
            }
        }
        for (JsonNode absent : expect.path("absentHeaders")) {
            if (req.headers().contains(absent.asText())) {
                out.add("header " + absent.asText() + " should be absent");
            }
        }
        if (expect.has("body")) {
            try {
                JsonNode body = JSON.readTree(req.content().toString(StandardCharsets.UTF_8));
                subset(expect.get("body"), body, "body", out);
            } catch (Exception e) {
                out.add("body is not JSON: " + e.getMessage());
            }
        }
        return out;
    }

    /** Every field of {@code want} must be in {@code got} with an equal value; arrays compare element by element. */
    private static void subset(JsonNode want, JsonNode got, String where, List<String> out) {
        if (got == null || got.isMissingNode()) {
            out.add(where + " missing");
        } else if (want.isObject()) {
            if (!got.isObject()) {
                out.add(where + " should be an object, got " + got);
                return;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = want.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                subset(e.getValue(), got.get(e.getKey()), where + "." + e.getKey(), out);
            }
        } else if (want.isArray()) {
            if (!got.isArray() || got.size() != want.size()) {
                out.add(where + " should be an array of " + want.size() + ", got " + got);
                return;
            }
            for (int i = 0; i < want.size(); i++) {
                subset(want.get(i), got.get(i), where + "[" + i + "]", out);
            }
        } else if (!want.equals(got)) {
            out.add(where + " should be " + want + ", got " + got);
        }
    }

    private static void start(ChannelHandlerContext ctx, SimEndpoint endpoint, JsonNode script, boolean keepAlive) {
        HttpResponseStatus status = HttpResponseStatus.valueOf(script.path("status").asInt(200));
        List<ByteBuf> parts = parts(script);
        if (parts == null) {
            JsonNode body = script.path("body");
            byte[] bytes = body.isTextual() ? body.asText().getBytes(StandardCharsets.UTF_8)
                    : body.isMissingNode() ? new byte[0] : body.toString().getBytes(StandardCharsets.UTF_8);
            var res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
            headers(ctx, res, endpoint, script, body.isTextual() || body.isMissingNode() ? "text/plain" : "application/json");
            if (script.path("reset").asBoolean(false)) {
                res.release();
                Responses.reset(ctx);
                return;
            }
            Responses.send(ctx, res, keepAlive);
            return;
        }
        HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        headers(ctx, res, endpoint, script, script.has("sse") ? "text/event-stream" : "application/octet-stream");
        HttpUtil.setTransferEncodingChunked(res, true);
        HttpUtil.setKeepAlive(res, keepAlive);
        ctx.writeAndFlush(res);
        writeParts(ctx, parts, 0, script.path("delayMs").asLong(0), script.path("reset").asBoolean(false), keepAlive);
    }

    private static void writeParts(ChannelHandlerContext ctx, List<ByteBuf> parts, int i, long delayMs, boolean reset,
            boolean keepAlive) {
        if (!ctx.channel().isActive()) {
            parts.subList(i, parts.size()).forEach(ByteBuf::release);
            return;
        }
        if (delayMs <= 0) { // all queued at once, each flushed: the socket's backpressure paces them
            for (; i < parts.size(); i++) {
                ctx.writeAndFlush(new DefaultHttpContent(parts.get(i)));
            }
        }
        if (i == parts.size()) {
            if (reset) {
                Responses.reset(ctx);
            } else {
                var f = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                if (!keepAlive) {
                    f.addListener(ChannelFutureListener.CLOSE);
                }
            }
            return;
        }
        ctx.writeAndFlush(new DefaultHttpContent(parts.get(i)));
        int next = i + 1;
        ctx.executor().schedule(() -> writeParts(ctx, parts, next, delayMs, reset, keepAlive), delayMs, TimeUnit.MILLISECONDS);
    }

    /** The SSE events or raw chunks as buffers, {@code repeat} times over, or null when the script has a whole body. */
    private static List<ByteBuf> parts(JsonNode script) {
        List<ByteBuf> once = once(script);
        int repeat = Math.max(1, script.path("repeat").asInt(1));
        if (once == null || repeat == 1) {
            return once;
        }
        List<ByteBuf> out = new ArrayList<>(once.size() * repeat);
        for (int r = 0; r < repeat; r++) {
            for (ByteBuf part : once) {
                out.add(part.retainedDuplicate());
            }
        }
        once.forEach(ByteBuf::release);
        return out;
    }

    private static List<ByteBuf> once(JsonNode script) {
        List<ByteBuf> out = new ArrayList<>();
        if (script.has("sse")) {
            for (JsonNode e : script.get("sse")) {
                StringBuilder sb = new StringBuilder();
                if (e.hasNonNull("event")) {
                    sb.append("event: ").append(e.get("event").asText()).append('\n');
                }
                JsonNode data = e.path("data");
                sb.append("data: ").append(data.isTextual() ? data.asText() : data.toString()).append("\n\n");
                out.add(Unpooled.copiedBuffer(sb, StandardCharsets.UTF_8));
            }
            return out;
        }
        if (script.has("chunks")) {
            for (JsonNode c : script.get("chunks")) {
                out.add(Unpooled.copiedBuffer(c.asText(), StandardCharsets.UTF_8));
            }
            return out;
        }
        return null;
    }

    private static void headers(ChannelHandlerContext ctx, HttpResponse res, SimEndpoint endpoint, JsonNode script, String defaultType) {
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, defaultType);
        for (Iterator<Map.Entry<String, JsonNode>> it = script.path("headers").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            res.headers().set(e.getKey(), e.getValue().asText());
        }
        endpoint.identify(res.headers(), ctx.channel());
    }
}
