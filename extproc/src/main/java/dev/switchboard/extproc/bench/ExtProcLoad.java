package dev.switchboard.extproc.bench;

import com.google.protobuf.ByteString;
import dev.switchboard.transport.Transport;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Plays Envoy's ext_proc filter under load: each request is one stream (request headers, the body in chunks as
 * Envoy forwards it, then, once the processor has answered the headers and returned the whole body, the
 * response's headers), over a few HTTP/2 connections as Envoy's workers keep them. Closed loop (a fixed number of
 * streams in flight, each starting when the previous ends) or open loop (streams started at a fixed rate whatever
 * the processor does; latency counted from the intended start, so a stall shows as latency, not as a slower
 * offered rate).
 *
 * <p>Latency is what the processor adds before Envoy can send the request upstream: from the request headers'
 * send to the arrival of the processor's last request-body chunk.
 */
final class ExtProcLoad implements AutoCloseable {
    /** Envoy forwards a body in the slices it reads: 16 KiB is a typical TLS record / read size. */
    static final int ENVOY_CHUNK_BYTES = 16 * 1024;

    /** One run's figures. */
    record Result(long completed, long rejected, long failed, double seconds, Histogram latencyNanos) {
        double perSecond() {
            return completed / seconds;
        }
    }

    private final List<ManagedChannel> channels = new ArrayList<>();
    private final EventLoopGroup loops;
    private final AtomicInteger next = new AtomicInteger();

    ExtProcLoad(Transport transport, int port, int connections) {
        this.loops = transport.newGroup(1, "extproc-load");
        for (int i = 0; i < connections; i++) {
            channels.add(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().directExecutor()
                    .eventLoopGroup(loops).channelType(transport.clientChannel())
                    .maxInboundMessageSize(64 << 20).build());
        }
    }

    /** Runs {@code concurrency} streams back to back for {@code seconds}, with bodies taken in turn. */
    Result closedLoop(List<byte[]> bodies, int concurrency, double seconds) throws InterruptedException {
        Run run = new Run(bodies);
        long end = System.nanoTime() + (long) (seconds * 1e9);
        CountDownLatch slots = new CountDownLatch(concurrency);
        for (int i = 0; i < concurrency; i++) {
            run.loop(end, slots);
        }
        slots.await(120, TimeUnit.SECONDS);
        return run.result(seconds);
    }

    /** Starts {@code rate} streams a second for {@code seconds}, whatever the processor does. */
    Result openLoop(List<byte[]> bodies, double rate, double seconds) throws InterruptedException {
        Run run = new Run(bodies);
        long count = (long) (rate * seconds);
        long start = System.nanoTime();
        long interval = (long) (1e9 / rate);
        CountDownLatch all = new CountDownLatch((int) count);
        for (long i = 0; i < count; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            run.one(due, all::countDown);
        }
        all.await(120, TimeUnit.SECONDS);
        return run.result((System.nanoTime() - start) / 1e9);
    }

    @Override
    public void close() throws InterruptedException {
        for (ManagedChannel c : channels) {
            c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    private static final HeaderMap REQUEST_HEADERS = headers(":method", "POST", ":path", "/v1/chat/completions",
            ":authority", "gateway.example", "content-type", "application/json");
    private static final HeaderMap RESPONSE_HEADERS = headers(":status", "200", "content-type", "application/json");

    private static HeaderMap headers(String... kv) {
        HeaderMap.Builder b = HeaderMap.newBuilder();
        for (int i = 0; i < kv.length; i += 2) {
            b.addHeaders(HeaderValue.newBuilder().setKey(kv[i]).setRawValue(ByteString.copyFromUtf8(kv[i + 1])));
        }
        return b.build();
    }

    /** One measured run: its streams' outcomes and latencies. */
    private final class Run {
        final List<List<ProcessingRequest>> requests = new ArrayList<>();
        final Recorder latency = new Recorder(3);
        final AtomicLong completed = new AtomicLong();
        final AtomicLong rejected = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicInteger turn = new AtomicInteger();

        Run(List<byte[]> bodies) {
            for (byte[] body : bodies) { // built once: the client should cost the same for every processor
                List<ProcessingRequest> messages = new ArrayList<>();
                messages.add(ProcessingRequest.newBuilder().setRequestHeaders(HttpHeaders.newBuilder()
                        .setHeaders(REQUEST_HEADERS)).build());
                for (int from = 0; from < body.length; from += ENVOY_CHUNK_BYTES) {
                    int to = Math.min(body.length, from + ENVOY_CHUNK_BYTES);
                    messages.add(ProcessingRequest.newBuilder().setRequestBody(HttpBody.newBuilder()
                            .setBody(ByteString.copyFrom(body, from, to - from)).setEndOfStream(to == body.length))
                            .build());
                }
                requests.add(messages);
            }
        }

        void loop(long end, CountDownLatch slots) {
            if (System.nanoTime() >= end) {
                slots.countDown();
                return;
            }
            one(System.nanoTime(), () -> loop(end, slots));
        }

        /** One stream, counted from {@code startNanos}; {@code then} runs when it is over. */
        void one(long startNanos, Runnable then) {
            List<ProcessingRequest> messages = requests.get(Math.floorMod(turn.getAndIncrement(), requests.size()));
            ManagedChannel channel = channels.get(Math.floorMod(next.getAndIncrement(), channels.size()));
            new Exchange(startNanos, then).start(channel, messages);
        }

        Result result(double seconds) {
            return new Result(completed.get(), rejected.get(), failed.get(), seconds, latency.getIntervalHistogram());
        }

        /** Envoy's side of one stream. */
        final class Exchange implements ClientResponseObserver<ProcessingRequest, ProcessingResponse> {
            final long startNanos;
            final Runnable then;
            ClientCallStreamObserver<ProcessingRequest> out;
            boolean finished;

            Exchange(long startNanos, Runnable then) {
                this.startNanos = startNanos;
                this.then = then;
            }

            void start(ManagedChannel channel, List<ProcessingRequest> messages) {
                ExternalProcessorGrpc.newStub(channel).process(this);
                for (ProcessingRequest m : messages) {
                    out.onNext(m);
                }
            }

            @Override
            public void beforeStart(ClientCallStreamObserver<ProcessingRequest> call) {
                out = call;
            }

            @Override
            public void onNext(ProcessingResponse r) {
                switch (r.getResponseCase()) {
                    case REQUEST_BODY -> {
                        if (r.getRequestBody().getResponse().getBodyMutation().getStreamedResponse().getEndOfStream()) {
                            latency.recordValue(Math.max(0, System.nanoTime() - startNanos));
                            out.onNext(ProcessingRequest.newBuilder().setResponseHeaders(HttpHeaders.newBuilder()
                                    .setHeaders(RESPONSE_HEADERS).setEndOfStream(true)).build());
                        }
                    }
                    case RESPONSE_HEADERS -> {
                        completed.incrementAndGet();
                        end();
                    }
                    case IMMEDIATE_RESPONSE -> {
                        rejected.incrementAndGet();
                        end();
                    }
                    default -> { }
                }
            }

            private void end() {
                if (!finished) {
                    finished = true;
                    out.onCompleted();
                    then.run();
                }
            }

            @Override
            public void onError(Throwable t) {
                if (!finished) {
                    failed.incrementAndGet();
                    finished = true;
                    then.run();
                }
            }

            @Override
            public void onCompleted() {
                if (!finished) { // the processor ended the stream before answering it all
                    failed.incrementAndGet();
                    finished = true;
                    then.run();
                }
            }
        }
    }
}
