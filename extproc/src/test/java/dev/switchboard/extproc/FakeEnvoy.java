package dev.switchboard.extproc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpTrailers;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.StreamedBodyResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Plays Envoy's part of ext_proc over a real loopback gRPC connection, as the ext_proc filter does in
 * FULL_DUPLEX_STREAMED mode: request headers, the body in chunks, then (if the test goes on) the response's
 * headers and body; and reads back what the processor answers, as Envoy would apply it.
 */
final class FakeEnvoy implements AutoCloseable {
    private final ManagedChannel channel;

    FakeEnvoy(int port) {
        channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    ManagedChannel channel() {
        return channel;
    }

    /** A new ext_proc stream, with the call metadata {@code x-switchboard-pool: pool} when pool is not null. */
    Stream open(String pool) {
        return openWith(pool == null ? Map.of() : Map.of("x-switchboard-pool", pool));
    }

    /** A new ext_proc stream with these call metadata headers (as the filter's grpc_initial_metadata). */
    Stream openWith(Map<String, String> callMetadata) {
        var stub = ExternalProcessorGrpc.newStub(channel);
        if (!callMetadata.isEmpty()) {
            io.grpc.Metadata md = new io.grpc.Metadata();
            callMetadata.forEach((k, v) -> md.put(io.grpc.Metadata.Key.of(k, io.grpc.Metadata.ASCII_STRING_MARSHALLER), v));
            stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
        }
        Stream s = new Stream();
        s.requests = (ClientCallStreamObserver<ProcessingRequest>) stub.process(s);
        return s;
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    /** Headers with {@code :method}, {@code :path} and these, as Envoy's HeaderMap (values in raw_value). */
    static HeaderMap headerMap(Map<String, String> headers) {
        HeaderMap.Builder b = HeaderMap.newBuilder();
        headers.forEach((k, v) -> b.addHeaders(HeaderValue.newBuilder().setKey(k)
                .setRawValue(ByteString.copyFromUtf8(v))));
        return b.build();
    }

    static Map<String, String> post(String path, Map<String, String> extra) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put(":method", "POST");
        h.put(":path", path);
        h.put(":authority", "gateway.example");
        h.put("content-type", "application/json");
        h.putAll(extra);
        return h;
    }

    /** One ext_proc stream. */
    static final class Stream implements ClientResponseObserver<ProcessingRequest, ProcessingResponse> {
        final LinkedBlockingQueue<ProcessingResponse> responses = new LinkedBlockingQueue<>();
        final CountDownLatch ended = new CountDownLatch(1);
        volatile Throwable error;
        ClientCallStreamObserver<ProcessingRequest> requests;

        @Override
        public void beforeStart(ClientCallStreamObserver<ProcessingRequest> call) {
        }

        @Override
        public void onNext(ProcessingResponse r) {
            responses.add(r);
        }

        @Override
        public void onError(Throwable t) {
            error = t;
            ended.countDown();
        }

        @Override
        public void onCompleted() {
            ended.countDown();
        }

        void requestHeaders(Map<String, String> headers, boolean endOfStream, Metadata metadata) {
            ProcessingRequest.Builder r = ProcessingRequest.newBuilder().setRequestHeaders(HttpHeaders.newBuilder()
                    .setHeaders(headerMap(headers)).setEndOfStream(endOfStream));
            if (metadata != null) {
                r.setMetadataContext(metadata);
            }
            requests.onNext(r.build());
        }

        /** The body in chunks of {@code chunk} bytes; the last ends the stream unless trailers follow. */
        void requestBody(byte[] body, int chunk, boolean endOfStream) {
            int from = 0;
            do {
                int to = Math.min(body.length, from + chunk);
                requests.onNext(ProcessingRequest.newBuilder().setRequestBody(HttpBody.newBuilder()
                        .setBody(ByteString.copyFrom(body, from, to - from))
                        .setEndOfStream(endOfStream && to == body.length)).build());
                from = to;
            } while (from < body.length);
        }

        void requestTrailers() {
            requests.onNext(ProcessingRequest.newBuilder().setRequestTrailers(HttpTrailers.newBuilder()
                    .setTrailers(HeaderMap.getDefaultInstance())).build());
        }

        void responseHeaders(Map<String, String> headers, boolean endOfStream, Metadata metadata) {
            ProcessingRequest.Builder r = ProcessingRequest.newBuilder().setResponseHeaders(HttpHeaders.newBuilder()
                    .setHeaders(headerMap(headers)).setEndOfStream(endOfStream));
            if (metadata != null) {
                r.setMetadataContext(metadata);
            }
            requests.onNext(r.build());
        }

        void responseBody(byte[] chunk, boolean endOfStream) {
            requests.onNext(ProcessingRequest.newBuilder().setResponseBody(HttpBody.newBuilder()
                    .setBody(ByteString.copyFrom(chunk)).setEndOfStream(endOfStream)).build());
        }

        void responseTrailers() {
            requests.onNext(ProcessingRequest.newBuilder().setResponseTrailers(HttpTrailers.newBuilder()
                    .setTrailers(HeaderMap.getDefaultInstance())).build());
        }

        /** Envoy's side ends normally (the request is over). */
        void halfClose() {
            requests.onCompleted();
        }

        /** Envoy resets the stream (client gone, timeout). */
        void cancel() {
            requests.cancel("downstream reset", null);
        }

        ProcessingResponse next() throws InterruptedException {
            ProcessingResponse r = responses.poll(10, TimeUnit.SECONDS);
            if (r == null) {
                fail("no ext_proc response within 10 s" + (error == null ? "" : " (stream failed: " + error + ")"));
            }
            return r;
        }

        /** Nothing more arrives for a moment. */
        void assertQuiet(long millis) throws InterruptedException {
            assertThat(responses.poll(millis, TimeUnit.MILLISECONDS)).isNull();
        }

        void awaitEnd() throws InterruptedException {
            assertThat(ended.await(10, TimeUnit.SECONDS)).as("stream ended").isTrue();
        }

        /** Reads the request-headers answer and then the body's, up to its end of stream. */
        Forwarded forwarded() throws InterruptedException, IOException {
            return forwarded(true);
        }

        /**
         * The same; with {@code untilEndOfStream} false (a body that trailers end), up to content-length bytes.
         */
        Forwarded forwarded(boolean untilEndOfStream) throws InterruptedException, IOException {
            ProcessingResponse h = next();
            if (h.hasImmediateResponse()) {
                return new Forwarded(h, Map.of(), List.of(), null, false, new byte[0], List.of());
            }
            assertThat(h.hasRequestHeaders()).as("request headers answered first: " + h).isTrue();
            var common = h.getRequestHeaders().getResponse();
            Map<String, String> set = new LinkedHashMap<>();
            for (HeaderValueOption o : common.getHeaderMutation().getSetHeadersList()) {
                set.put(o.getHeader().getKey(), o.getHeader().getRawValue().toStringUtf8());
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            List<Integer> sizes = new ArrayList<>();
            if (set.containsKey("content-length")) { // a body follows the headers (not for a request without one)
                for (;;) {
                    ProcessingResponse b = next();
                    assertThat(b.hasRequestBody()).as("request body answered: " + b).isTrue();
                    StreamedBodyResponse piece = b.getRequestBody().getResponse().getBodyMutation()
                            .getStreamedResponse();
                    sizes.add(piece.getBody().size());
                    piece.getBody().writeTo(body);
                    if (piece.getEndOfStream() || !untilEndOfStream
                            && body.size() == Integer.parseInt(set.get("content-length"))) {
                        break;
                    }
                }
            }
            return new Forwarded(null, set, common.getHeaderMutation().getRemoveHeadersList(),
                    h.hasDynamicMetadata() ? h.getDynamicMetadata() : null,
                    common.getClearRouteCache(), body.toByteArray(), sizes);
        }

        /** Reads response-body answers until one ends the stream; their bytes and sizes. */
        Relayed relayed() throws InterruptedException, IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            List<Integer> sizes = new ArrayList<>();
            for (;;) {
                ProcessingResponse b = next();
                assertThat(b.hasResponseBody()).as("response body answered: " + b).isTrue();
                StreamedBodyResponse piece = b.getResponseBody().getResponse().getBodyMutation().getStreamedResponse();
                sizes.add(piece.getBody().size());
                piece.getBody().writeTo(body);
                if (piece.getEndOfStream()) {
                    return new Relayed(body.toByteArray(), sizes);
                }
            }
        }
    }

    /**
     * What Envoy does with the request: an immediate response, or these headers set, this metadata, and this
     * body sent upstream (in chunks of these sizes).
     */
    record Forwarded(ProcessingResponse immediate, Map<String, String> set, List<String> removed, Struct metadata,
            boolean clearRouteCache, byte[] body, List<Integer> chunkSizes) {
        String destination() {
            return set.get("x-gateway-destination-endpoint");
        }

        String metadataDestination() {
            return metadata.getFieldsOrThrow("envoy.lb").getStructValue()
                    .getFieldsOrThrow("x-gateway-destination-endpoint").getStringValue();
        }

        int status() {
            return immediate.getImmediateResponse().getStatus().getCodeValue();
        }

        String immediateBody() {
            return immediate.getImmediateResponse().getBody().toStringUtf8();
        }

        Map<String, String> immediateHeaders() {
            Map<String, String> out = new LinkedHashMap<>();
            for (HeaderValueOption o : immediate.getImmediateResponse().getHeaders().getSetHeadersList()) {
                out.put(o.getHeader().getKey(), o.getHeader().getRawValue().toStringUtf8());
            }
            return out;
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** The response body as the client gets it, and the sizes of its pieces. */
    record Relayed(byte[] body, List<Integer> chunkSizes) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }
}
