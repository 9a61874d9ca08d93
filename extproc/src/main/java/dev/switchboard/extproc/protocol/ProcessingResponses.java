package dev.switchboard.extproc.protocol;

import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import dev.switchboard.core.error.ApiError;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.ext_proc.v3.BodyMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.BodyResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.HeaderMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.HeadersResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ImmediateResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.StreamedBodyResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.TrailersResponse;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Builds the messages the processor sends Envoy in FULL_DUPLEX_STREAMED mode. Header values go in
 * {@code raw_value} and overwrite what the request had (a client must not add a second destination header).
 */
public final class ProcessingResponses {
    private static final ProcessingResponse REQUEST_TRAILERS = ProcessingResponse.newBuilder()
            .setRequestTrailers(TrailersResponse.getDefaultInstance()).build();
    private static final ProcessingResponse RESPONSE_TRAILERS = ProcessingResponse.newBuilder()
            .setResponseTrailers(TrailersResponse.getDefaultInstance()).build();
    private static final ProcessingResponse RESPONSE_HEADERS = ProcessingResponse.newBuilder()
            .setResponseHeaders(HeadersResponse.getDefaultInstance()).build();

    private ProcessingResponses() {}

    /**
     * The answer to the request headers once the body is read: these headers set, the route cache cleared (so
     * Envoy routes on the new headers), and {@code metadata} (the pick's {@code envoy.lb} struct) if not null.
     */
    public static ProcessingResponse requestHeaders(Map<String, String> set, Struct metadata) {
        return requestHeaders(set, List.of(), metadata);
    }

    /** The same, with the request headers {@code remove} taken out. */
    public static ProcessingResponse requestHeaders(Map<String, String> set, List<String> remove, Struct metadata) {
        CommonResponse.Builder common = CommonResponse.newBuilder().setClearRouteCache(true)
                .setHeaderMutation(mutation(set).toBuilder().addAllRemoveHeaders(remove));
        ProcessingResponse.Builder r = ProcessingResponse.newBuilder()
                .setRequestHeaders(HeadersResponse.newBuilder().setResponse(common));
        if (metadata != null) {
            r.setDynamicMetadata(metadata);
        }
        return r.build();
    }

    /**
     * The response headers with {@code set} added (the pool profile's response-header plugins) and {@code remove}
     * taken away (a load report the processor asked for, not the client).
     */
    public static ProcessingResponse responseHeaders(Map<String, String> set, List<String> remove) {
        if (set.isEmpty() && remove.isEmpty()) {
            return RESPONSE_HEADERS;
        }
        HeaderMutation m = mutation(set).toBuilder().addAllRemoveHeaders(remove).build();
        return ProcessingResponse.newBuilder().setResponseHeaders(HeadersResponse.newBuilder()
                .setResponse(CommonResponse.newBuilder().setHeaderMutation(m))).build();
    }

    /**
     * {@code body} as request-body messages of at most {@link EppNames#BODY_CHUNK_BYTES} each, in order, to
     * {@code out}; the last carries {@code endOfStream}. An empty body is one empty message (Envoy still needs it
     * to learn the body ended).
     */
    public static void requestBody(ByteString body, boolean endOfStream, Consumer<ProcessingResponse> out) {
        chunks(body, endOfStream, true, out);
    }

    /** The same, for a piece of the response body. */
    public static void responseBody(ByteString body, boolean endOfStream, Consumer<ProcessingResponse> out) {
        chunks(body, endOfStream, false, out);
    }

    private static void chunks(ByteString body, boolean endOfStream, boolean request, Consumer<ProcessingResponse> out) {
        int size = body.size();
        int from = 0;
        do {
            int to = Math.min(size, from + EppNames.BODY_CHUNK_BYTES);
            StreamedBodyResponse piece = StreamedBodyResponse.newBuilder().setBody(body.substring(from, to))
                    .setEndOfStream(endOfStream && to == size).build();
            BodyResponse response = BodyResponse.newBuilder().setResponse(CommonResponse.newBuilder()
                    .setBodyMutation(BodyMutation.newBuilder().setStreamedResponse(piece))).build();
            out.accept(request ? ProcessingResponse.newBuilder().setRequestBody(response).build()
                    : ProcessingResponse.newBuilder().setResponseBody(response).build());
            from = to;
        } while (from < size);
    }

    /** The answer to request trailers: passed on. */
    public static ProcessingResponse requestTrailers() {
        return REQUEST_TRAILERS;
    }

    /** The answer to response trailers: passed on. */
    public static ProcessingResponse responseTrailers() {
        return RESPONSE_TRAILERS;
    }

    /**
     * Envoy answers the client itself with {@code error} (its status, the OpenAI error JSON) and these headers,
     * and sends the request nowhere.
     */
    public static ProcessingResponse immediate(ApiError error, Map<String, String> headers) {
        return immediate(error, headers, error.toJson());
    }

    /** The same, with {@code body} (the error in the client's API shape) as the answer's body. */
    public static ProcessingResponse immediate(ApiError error, Map<String, String> headers, byte[] body) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("content-type", "application/json");
        ImmediateResponse.Builder r = ImmediateResponse.newBuilder()
                .setStatus(HttpStatus.newBuilder().setCodeValue(error.status()))
                .setHeaders(mutation(all))
                .setBody(ByteString.copyFrom(body))
                .setDetails(details(error));
        return ProcessingResponse.newBuilder().setImmediateResponse(r).build();
    }

    /** Envoy's response-code details allow only a restricted token: the error type and code, in underscores. */
    private static String details(ApiError error) {
        return "switchboard_" + error.type() + (error.code() == null ? "" : "_" + error.code());
    }

    private static HeaderMutation mutation(Map<String, String> set) {
        HeaderMutation.Builder m = HeaderMutation.newBuilder();
        for (Map.Entry<String, String> e : set.entrySet()) {
            m.addSetHeaders(HeaderValueOption.newBuilder()
                    .setHeader(HeaderValue.newBuilder().setKey(e.getKey())
                            .setRawValue(ByteString.copyFrom(e.getValue(), StandardCharsets.UTF_8)))
                    .setAppendAction(HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD));
        }
        return m.build();
    }

}
