package dev.switchboard.extproc.bench;

import dev.switchboard.extproc.protocol.EppNames;
import dev.switchboard.extproc.protocol.LbMetadata;
import dev.switchboard.extproc.protocol.ProcessingResponses;
import dev.switchboard.transport.Transport;
import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The do-nothing processor a picker is measured against: it answers the request headers at once with a random
 * endpoint, echoes each body chunk as it comes, and passes the response on. The least any ext_proc server that
 * sets a destination can do, on the same gRPC server setup and the same response builders as ours.
 */
final class EchoProcessor extends ExternalProcessorGrpc.ExternalProcessorImplBase implements AutoCloseable {
    private final List<String> endpoints;
    private final EventLoopGroup loops;
    private final Server server;

    private EchoProcessor(List<String> endpoints, Transport transport, int ioThreads) throws IOException {
        this.endpoints = List.copyOf(endpoints);
        this.loops = transport.newGroup(ioThreads, "echo-extproc");
        this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .channelType(transport.serverChannel()).bossEventLoopGroup(loops).workerEventLoopGroup(loops)
                .directExecutor().maxInboundMessageSize(64 << 20).addService(this).build().start();
    }

    static EchoProcessor start(List<String> endpoints, Transport transport, int ioThreads) throws IOException {
        return new EchoProcessor(endpoints, transport, ioThreads);
    }

    int port() {
        return server.getPort();
    }

    @Override
    public StreamObserver<ProcessingRequest> process(StreamObserver<ProcessingResponse> out) {
        return new StreamObserver<>() {
            @Override
            public void onNext(ProcessingRequest r) {
                switch (r.getRequestCase()) {
                    case REQUEST_HEADERS -> {
                        String to = endpoints.get(ThreadLocalRandom.current().nextInt(endpoints.size()));
                        out.onNext(ProcessingResponses.requestHeaders(Map.of(EppNames.DESTINATION_ENDPOINT, to),
                                LbMetadata.destination(to)));
                    }
                    case REQUEST_BODY -> ProcessingResponses.requestBody(r.getRequestBody().getBody(),
                            r.getRequestBody().getEndOfStream(), out::onNext);
                    case RESPONSE_HEADERS -> out.onNext(ProcessingResponses.responseHeaders(Map.of(), List.of()));
                    case RESPONSE_BODY -> ProcessingResponses.responseBody(r.getResponseBody().getBody(),
                            r.getResponseBody().getEndOfStream(), out::onNext);
                    case REQUEST_TRAILERS -> out.onNext(ProcessingResponses.requestTrailers());
                    case RESPONSE_TRAILERS -> out.onNext(ProcessingResponses.responseTrailers());
                    default -> { }
                }
            }

            @Override
            public void onError(Throwable t) {
                // the client went away: nothing to clean up
            }

            @Override
            public void onCompleted() {
                out.onCompleted();
            }
        };
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
