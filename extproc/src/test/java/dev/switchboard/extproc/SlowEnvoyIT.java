package dev.switchboard.extproc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An Envoy that stops reading the processor's answers while it goes on streaming a response body: the processor
 * must stop reading it (gRPC flow control then holds Envoy back, and Envoy the model server) rather than queue the
 * relayed response in its own memory without bound; and once Envoy reads again, every byte arrives, in order.
 */
class SlowEnvoyIT {
    static final int CHUNK = 64 * 1024;
    /** Far more than the windows and the processor's queue hold together (about 3 MiB): a bound must show. */
    static final long GIVE_UP_BYTES = 48L << 20;
    static ExtProcFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = ExtProcFixture.start(s -> s.withDefaultPool("sims"));
    }

    @AfterAll
    static void stop() throws Exception {
        f.close();
    }

    /** The client side of one stream, reading nothing until told to. */
    static final class Reader implements ClientResponseObserver<ProcessingRequest, ProcessingResponse> {
        ClientCallStreamObserver<ProcessingRequest> call;
        final ByteArrayOutputStream relayed = new ByteArrayOutputStream();
        final CountDownLatch relayedEnd = new CountDownLatch(1);
        volatile int answers;

        @Override
        public void beforeStart(ClientCallStreamObserver<ProcessingRequest> call) {
            this.call = call;
            call.disableAutoRequestWithInitial(0);
        }

        @Override
        public void onNext(ProcessingResponse r) {
            answers++;
            if (r.hasResponseBody()) {
                var piece = r.getResponseBody().getResponse().getBodyMutation().getStreamedResponse();
                synchronized (relayed) {
                    relayed.writeBytes(piece.getBody().toByteArray());
                }
                if (piece.getEndOfStream()) {
                    relayedEnd.countDown();
                }
            }
        }

        @Override
        public void onError(Throwable t) {
            relayedEnd.countDown();
        }

        @Override
        public void onCompleted() {
        }
    }

    static boolean readyWithin(ClientCallStreamObserver<ProcessingRequest> call, long millis) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!call.isReady()) {
            if (System.nanoTime() > until) {
                return false;
            }
            Thread.sleep(2);
        }
        return true;
    }

    @Test
    void anEnvoyThatStopsReadingIsNoLongerReadAndGetsEveryByteOnceItReadsAgain() throws Exception {
        Reader reader = new Reader();
        ExternalProcessorGrpc.newStub(f.envoy.channel()).process(reader);
        ClientCallStreamObserver<ProcessingRequest> call = reader.call;
        call.onNext(ProcessingRequest.newBuilder().setRequestHeaders(HttpHeaders.newBuilder()
                .setHeaders(FakeEnvoy.headerMap(FakeEnvoy.post("/v1/chat/completions", Map.of())))).build());
        call.onNext(ProcessingRequest.newBuilder().setRequestBody(HttpBody.newBuilder()
                .setBody(ByteString.copyFrom(ExtProcFixture.chat(ExtProcFixture.MODEL, "slow"))).setEndOfStream(true))
                .build());
        call.onNext(ProcessingRequest.newBuilder().setResponseHeaders(HttpHeaders.newBuilder()
                .setHeaders(FakeEnvoy.headerMap(Map.of(":status", "200", "content-type", "text/event-stream"))))
                .build());

        await().atMost(Duration.ofSeconds(5)).until(call::isReady); // the call has its HTTP/2 stream
        byte[] chunk = new byte[CHUNK];
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int i = 0;
        // stream the response body while gRPC lets us, the answers unread; a processor that reads everything
        // regardless keeps us ready until we give up
        while (sent.size() < GIVE_UP_BYTES && System.nanoTime() < deadline) {
            if (!readyWithin(call, 500)) {
                break; // held back for half a second: the processor stopped reading us
            }
            Arrays.fill(chunk, (byte) ('a' + i++ % 26));
            call.onNext(ProcessingRequest.newBuilder().setResponseBody(HttpBody.newBuilder()
                    .setBody(ByteString.copyFrom(chunk))).build());
            sent.writeBytes(chunk);
        }
        assertThat(call.isReady()).as("the processor stopped reading an Envoy that reads nothing").isFalse();
        assertThat(sent.size()).as("bytes Envoy could send before being held back").isLessThan(16 << 20);

        call.request(Integer.MAX_VALUE); // Envoy reads again
        await().atMost(Duration.ofSeconds(20)).until(call::isReady);
        call.onNext(ProcessingRequest.newBuilder().setResponseBody(HttpBody.newBuilder()
                .setBody(ByteString.copyFromUtf8("end")).setEndOfStream(true)).build());
        sent.writeBytes("end".getBytes());
        assertThat(reader.relayedEnd.await(20, TimeUnit.SECONDS)).isTrue();
        synchronized (reader.relayed) {
            assertThat(reader.relayed.toByteArray()).as("every byte relayed, in order").isEqualTo(sent.toByteArray());
        }
        call.onCompleted();
    }
}
