package dev.switchboard.extproc.service;

import dev.switchboard.extproc.protocol.EppNames;
import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.internal.ThreadExecutorMap;

/**
 * {@code envoy.service.ext_proc.v3.ExternalProcessor}: each {@code Process} call is one HTTP request through Envoy,
 * handled by its own {@link ProcessingStream}.
 */
public final class ExternalProcessorService extends ExternalProcessorGrpc.ExternalProcessorImplBase {
    /** The call's {@code x-switchboard-pool} metadata, put in the gRPC context by {@link #poolMetadata()}. */
    private static final Context.Key<String> CALL_POOL = Context.key(EppNames.POOL);
    private static final Metadata.Key<String> POOL_HEADER = Metadata.Key.of(EppNames.POOL,
            Metadata.ASCII_STRING_MARSHALLER);
    /** The call's {@code x-switchboard-translate} metadata, put in the gRPC context by {@link #poolMetadata()}. */
    private static final Context.Key<String> CALL_TRANSLATE = Context.key(EppNames.TRANSLATE);
    private static final Metadata.Key<String> TRANSLATE_HEADER = Metadata.Key.of(EppNames.TRANSLATE,
            Metadata.ASCII_STRING_MARSHALLER);

    /** The call's {@code x-switchboard-auth} metadata, put in the gRPC context by {@link #poolMetadata()}. */
    private static final Context.Key<String> CALL_AUTH = Context.key(EppNames.AUTH);
    private static final Metadata.Key<String> AUTH_HEADER = Metadata.Key.of(EppNames.AUTH,
            Metadata.ASCII_STRING_MARSHALLER);

    private final ProcessorContext context;
    private final EventExecutorGroup loops;

    /** @param loops where a stream runs when its messages do not arrive on an event loop (in-process transports) */
    public ExternalProcessorService(ProcessorContext context, EventExecutorGroup loops) {
        this.context = context;
        this.loops = loops;
    }

    @Override
    public StreamObserver<ProcessingRequest> process(StreamObserver<ProcessingResponse> responses) {
        // the server runs calls on the transport's thread (directExecutor): the connection's event loop, which
        // Netty records per thread; an in-process transport has none, and the stream gets a loop of its own
        EventExecutor loop = ThreadExecutorMap.currentExecutor();
        StreamExecutor executor = new StreamExecutor(loop != null ? loop : loops.next());
        return new ProcessingStream(context, (ServerCallStreamObserver<ProcessingResponse>) responses, executor,
                CALL_POOL.get(), !"off".equalsIgnoreCase(CALL_TRANSLATE.get()),
                !"off".equalsIgnoreCase(CALL_AUTH.get()));
    }

    /**
     * Reads the call's {@code x-switchboard-pool} (set per route by Envoy), {@code x-switchboard-translate} and
     * {@code x-switchboard-auth} metadata headers into the context.
     */
    public static ServerInterceptor poolMetadata() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                    ServerCallHandler<Q, R> next) {
                String pool = headers.get(POOL_HEADER);
                String translate = headers.get(TRANSLATE_HEADER);
                String auth = headers.get(AUTH_HEADER);
                if (pool == null && translate == null && auth == null) {
                    return next.startCall(call, headers);
                }
                return Contexts.interceptCall(Context.current().withValue(CALL_POOL, pool)
                        .withValue(CALL_TRANSLATE, translate).withValue(CALL_AUTH, auth), call, headers, next);
            }
        };
    }
}
