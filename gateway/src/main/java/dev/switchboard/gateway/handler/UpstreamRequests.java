package dev.switchboard.gateway.handler;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.switchboard.core.config.HeaderMutation;
import dev.switchboard.core.http.HeaderNames;
import dev.switchboard.gateway.routing.Attempt;
import dev.switchboard.providers.UpstreamCall;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import dev.switchboard.providers.credentials.Credential;
import dev.switchboard.providers.credentials.CredentialsNotReadyException;
import dev.switchboard.providers.credentials.SignableRequest;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds the request one attempt sends upstream: the client's request, re-addressed and mutated for the backend. */
final class UpstreamRequests {
    /**
     * Hop-by-hop headers (RFC 9110 §7.6.1), the ones the gateway sets itself, and the model rewrite header (read
     * by the gateway's picker, if the route trusts it; never a model server's business).
     */
    private static final HeaderNameSet NOT_FORWARDED = new HeaderNameSet(Set.of("connection", "keep-alive",
            "proxy-connection", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding",
            "upgrade", "host", "content-length", "expect", "http2-settings", HeaderNames.MODEL, HeaderNames.MODEL_REWRITE));
    private static final HeaderNameSet CREDENTIALS = new HeaderNameSet(HeaderNames.CLIENT_CREDENTIALS);

    private UpstreamRequests() {}

    /**
     * The upstream request. Takes ownership of nothing: {@code body} is borrowed and the request holds retained
     * slices of it (or the call's translated body), released when the request is written. Throws
     * IllegalArgumentException, having retained nothing, when a header value is one Netty refuses.
     *
     * @param model      the model the client asked for
     * @param modelStart byte range of the body's model value, for a model name override
     * @param override   the model to send instead of the client's (spliced into a passed-on body), or null
     * @param call       where the attempt goes and what it sends ({@link dev.switchboard.providers.Translator})
     */
    static FullHttpRequest build(HttpRequest client, ByteBuf body, long modelStart, long modelEnd, Attempt a,
            String model, String override, String requestId, UpstreamCall call) {
        // headers first: setting one may throw (a value Netty refuses), and nothing is retained yet then
        HttpHeaders h = new DefaultHttpHeaders();
        boolean credentials = a.ref().trust().forwardCredentials();
        for (Map.Entry<String, String> e : client.headers()) {
            String name = e.getKey();
            if (!NOT_FORWARDED.contains(name) && (credentials || !CREDENTIALS.contains(name))) {
                h.add(name, e.getValue());
            }
        }
        if (call.body() != null) {
            h.remove(HttpHeaderNames.ACCEPT_ENCODING); // the gateway reads (translates) the response
        }
        for (Map.Entry<String, String> e : call.headers().entrySet()) {
            h.set(e.getKey(), e.getValue());
        }
        apply(a.ref().headerMutation(), h);
        h.set(HttpHeaderNames.HOST, a.upstream().authority());
        h.set(HeaderNames.MODEL, override != null ? override : model);
        h.set(HeaderNames.REQUEST_ID, requestId);
        if (a.ref().pool() != null && !h.contains(HeaderNames.ENDPOINT_LOAD_METRICS_FORMAT)) {
            // model servers that speak ORCA (vLLM) then report their load on the response, fresher than a scrape
            h.set(HeaderNames.ENDPOINT_LOAD_METRICS_FORMAT, "TEXT");
        }
        ByteBuf content = call.body() != null ? Unpooled.wrappedBuffer(call.body())
                : override == null || modelStart < 0 || !call.modelInBody() ? body.retainedDuplicate()
                : replaceModel(body, (int) modelStart, (int) modelEnd, override);
        h.set(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, client.method(), call.path(), content, h,
                EmptyHttpHeaders.INSTANCE);
    }

    /**
     * Adds the backend's credential to {@code r} (a key header, a signature over the final request, a token). The
     * request is complete by now, so a signature covers exactly what is sent.
     *
     * @param withBody whether the credential signs the body (SigV4): only then are its bytes copied out
     */
    static void authenticate(FullHttpRequest r, Credential credential, boolean withBody)
            throws CredentialsNotReadyException {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : r.headers()) {
            headers.merge(e.getKey().toLowerCase(Locale.ROOT), e.getValue(), (a, b) -> a + "," + b);
        }
        SignableRequest s = new SignableRequest(r.method().name(), r.headers().get(HttpHeaderNames.HOST), r.uri(),
                headers, withBody ? ByteBufUtil.getBytes(r.content()) : NO_BYTES);
        credential.apply(s);
        for (Map.Entry<String, String> e : s.headers().entrySet()) {
            if (!e.getValue().equals(headers.get(e.getKey()))) {
                r.headers().set(e.getKey(), e.getValue());
            }
        }
    }

    private static final byte[] NO_BYTES = new byte[0];

    private static void apply(HeaderMutation m, HttpHeaders h) {
        for (String name : m.remove()) {
            h.remove(name);
        }
        for (Map.Entry<String, String> e : m.set()) {
            h.set(e.getKey(), e.getValue());
        }
    }

    /** The body with its model value replaced: slices of the original around a new JSON string. */
    private static ByteBuf replaceModel(ByteBuf body, int start, int end, String model) {
        byte[] quoted = ('"' + new String(JsonStringEncoder.getInstance().quoteAsString(model))
                + '"').getBytes(StandardCharsets.UTF_8);
        CompositeByteBuf out = body.alloc().compositeBuffer(3);
        out.addComponents(true, List.of(body.retainedSlice(0, start), Unpooled.wrappedBuffer(quoted),
                body.retainedSlice(end, body.readableBytes() - end)));
        return out;
    }
}
