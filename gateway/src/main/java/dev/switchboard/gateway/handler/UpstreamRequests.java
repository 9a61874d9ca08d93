package dev.switchboard.gateway.handler;

import dev.switchboard.core.config.HeaderMutation;
import dev.switchboard.core.http.HeaderNames;
import dev.switchboard.gateway.routing.Attempt;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds the request one attempt sends upstream: the client's request, re-addressed and mutated for the backend. */
final class UpstreamRequests {
    /** Hop-by-hop headers (RFC 9110 §7.6.1) and the ones the gateway sets itself. */
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host",
            "content-length", "expect", "http2-settings", HeaderNames.MODEL);

    private UpstreamRequests() {}

    /**
     * The upstream request. Takes ownership of nothing: {@code body} is borrowed and the request holds retained
     * slices of it, released when the request is written.
     *
     * @param model       the model the client asked for
     * @param modelStart  byte range of the body's model value, for a model name override
     */
    static FullHttpRequest build(HttpRequest client, CompositeByteBuf body, long modelStart, long modelEnd, Attempt a,
            String model, String requestId) {
        return build(client, body, modelStart, modelEnd, a, model, a.ref().modelNameOverride(), requestId);
    }

    /**
     * The same, with the model sent upstream decided by the caller (an InferencePool's rewrite target).
     *
     * @param override the model to send instead of the client's (spliced into the body), or null for the body as is
     */
    static FullHttpRequest build(HttpRequest client, CompositeByteBuf body, long modelStart, long modelEnd, Attempt a,
            String model, String override, String requestId) {
        ByteBuf content = override == null || modelStart < 0
                ? body.retainedDuplicate()
                : replaceModel(body, (int) modelStart, (int) modelEnd, override);
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, client.method(), client.uri(), content);
        HttpHeaders h = req.headers();
        for (Map.Entry<String, String> e : client.headers()) {
            if (!NOT_FORWARDED.contains(e.getKey().toLowerCase(java.util.Locale.ROOT))) {
                h.add(e.getKey(), e.getValue());
            }
        }
        apply(a.ref().headerMutation(), h);
        h.set(HttpHeaderNames.HOST, a.upstream().authority());
        h.set(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        h.set(HeaderNames.MODEL, override != null ? override : model);
        h.set(HeaderNames.REQUEST_ID, requestId);
        if (a.ref().pool() != null && !h.contains(HeaderNames.ENDPOINT_LOAD_METRICS_FORMAT)) {
            // model servers that speak ORCA (vLLM) then report their load on the response, fresher than a scrape
            h.set(HeaderNames.ENDPOINT_LOAD_METRICS_FORMAT, "TEXT");
        }
        return req;
    }

    private static void apply(HeaderMutation m, HttpHeaders h) {
        for (String name : m.remove()) {
            h.remove(name);
        }
        for (Map.Entry<String, String> e : m.set()) {
            h.set(e.getKey(), e.getValue());
        }
    }

    /** The body with its model value replaced: slices of the original around a new JSON string. */
    private static ByteBuf replaceModel(CompositeByteBuf body, int start, int end, String model) {
        byte[] quoted = ('"' + new String(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(model))
                + '"').getBytes(StandardCharsets.UTF_8);
        CompositeByteBuf out = body.alloc().compositeBuffer(3);
        out.addComponents(true, List.of(body.retainedSlice(0, start), Unpooled.wrappedBuffer(quoted),
                body.retainedSlice(end, body.readableBytes() - end)));
        return out;
    }
}
