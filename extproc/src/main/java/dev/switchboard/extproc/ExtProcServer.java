package dev.switchboard.extproc;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.extproc.admin.AdminServer;
import dev.switchboard.extproc.admin.ExtProcMetrics;
import dev.switchboard.extproc.service.BackendRoutes;
import dev.switchboard.extproc.service.BaseModels;
import dev.switchboard.extproc.service.ExternalProcessorService;
import dev.switchboard.extproc.service.ProcessorContext;
import dev.switchboard.picker.pool.InferencePools;
import dev.switchboard.picker.pool.MetricsSource;
import dev.switchboard.picker.pool.PoolEnvironment;
import dev.switchboard.picker.pool.SharedPoolState;
import dev.switchboard.transport.HttpPoller;
import dev.switchboard.transport.Transport;
import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code switchboard extproc}: the Envoy External Processing server. One gRPC port serves
 * {@code envoy.service.ext_proc.v3.ExternalProcessor} and gRPC health; an admin port serves Prometheus metrics.
 * It holds the configuration's InferencePools (the same objects the gateway uses) and its AIServiceBackends' routes
 * and credentials (for the translation of requests to them), and applies reloads to both.
 */
public final class ExtProcServer implements AutoCloseable {
    /*
     * Threads: grpc-java runs on Netty event loops of this machine's transport (epoll where it loads), boss and
     * workers from one group, and calls run on the transport thread (directExecutor): nothing on a stream blocks,
     * and a stream's work stays on its connection's loop. The same loops poll the endpoints' metrics and run flow
     * control's ticks.
     */
    private static final Logger LOG = LoggerFactory.getLogger(ExtProcServer.class);
    /** The health services Envoy and Kubernetes ask: the server as a whole, the probes, and ext_proc itself. */
    static final List<String> HEALTH_SERVICES = List.of("", "liveness", "readiness",
            ExternalProcessorGrpc.SERVICE_NAME);
    /** How often each endpoint's /metrics is read (the reference EPP's interval). */
    static final long METRICS_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final EventLoopGroup loops;
    /**
     * Fetches and refreshes the backends' tokens (OAuth, STS): blocking HTTP, so never on an event loop. One daemon
     * thread, as in the gateway: tokens live for an hour and take a few hundred milliseconds to get.
     */
    private final ScheduledExecutorService tokens = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "extproc-tokens");
        t.setDaemon(true);
        return t;
    });
    private final InferencePools pools;
    /** What the pools share with other replicas (--share-state); owned (and closed) by this server. */
    private final SharedPoolState sharing;
    private final ExtProcMetrics metrics;
    private final ProcessorContext context;
    private final HealthStatusManager health = new HealthStatusManager();
    private final Server server;
    private final AdminServer admin;
    private volatile boolean ready;
    /** How long a shutdown lets open streams finish: the Gateway document's drainTimeout, as for `run`. */
    private volatile java.time.Duration drainTimeout;

    private ExtProcServer(ExtProcSettings settings, GatewayConfig config, SharedPoolState sharing)
            throws IOException, ConfigException {
        this.sharing = sharing;
        Transport transport = Transport.best();
        ProcessorContext made = null;
        this.loops = transport.newGroup(settings.ioThreads(), "extproc");
        try {
            MetricsSource source = (e, interval, pages) -> HttpPoller.start(loops.next(), transport, e.host(),
                    e.port(), "/metrics", interval, pages);
            this.pools = new InferencePools(new PoolEnvironment(source,
                    (task, delay) -> loops.next().schedule(task, delay, TimeUnit.NANOSECONDS), System::nanoTime,
                    sharing));
            this.metrics = new ExtProcMetrics(pools);
            metrics.sharedState(sharing::stats);
            this.context = made = new ProcessorContext(pools, settings, metrics, System::nanoTime);
            HEALTH_SERVICES.forEach(s -> health.setStatus(s, ServingStatus.NOT_SERVING));
            health.setStatus("liveness", ServingStatus.SERVING);
            apply(config);
            sharing.start(pools);
            this.server = NettyServerBuilder.forAddress(new InetSocketAddress(settings.host(), settings.port()))
                    .channelType(transport.serverChannel()).bossEventLoopGroup(loops).workerEventLoopGroup(loops)
                    .directExecutor()
                    // a whole body in one message still fits: Envoy sends what it has, up to its buffer
                    .maxInboundMessageSize((int) Math.min(Integer.MAX_VALUE, settings.maxBodyBytes() + (1 << 20)))
                    .addService(ServerInterceptors.intercept(new ExternalProcessorService(context, loops),
                            ExternalProcessorService.poolMetadata()))
                    .addService(health.getHealthService())
                    .build().start();
            this.admin = settings.adminPort() < 0 ? null
                    : AdminServer.start(settings.host(), settings.adminPort(), metrics, () -> ready);
        } catch (IOException | ConfigException | RuntimeException e) {
            sharing.close();
            if (made != null) {
                made.backendRoutes(BackendRoutes.NONE).close();
            }
            tokens.shutdownNow();
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        ready = true;
        HEALTH_SERVICES.forEach(s -> health.setStatus(s, ServingStatus.SERVING));
        LOG.info("ext_proc on {}:{} ({}), pools: {}", settings.host(), port(), transport.name(),
                pools.all().keySet());
    }

    /** Starts serving {@code config}'s pools; throws when they cannot be built or a port cannot be bound. */
    public static ExtProcServer start(ExtProcSettings settings, GatewayConfig config) throws IOException,
            ConfigException {
        return start(settings, config, SharedPoolState.NONE);
    }

    /**
     * Starts serving, with the pools sharing what they learn (prefix blocks, in-flight counts) with the other
     * replicas through {@code sharing} ({@code --share-state}); the server owns it from here on (closes it, also
     * when the start fails).
     */
    public static ExtProcServer start(ExtProcSettings settings, GatewayConfig config, SharedPoolState sharing)
            throws IOException, ConfigException {
        return new ExtProcServer(settings, config, sharing);
    }

    /** Applies a new configuration to the pools and body-based routing; nothing changes when it throws. */
    public void apply(GatewayConfig config) throws ConfigException {
        BackendRoutes routes = BackendRoutes.of(config, tokens, context.backendRoutes());
        try {
            pools.apply(config.pools());
        } catch (ConfigException | RuntimeException e) {
            routes.close();
            throw e;
        }
        context.backendRoutes(routes).close(); // streams still on the old ones keep their current keys and tokens
        drainTimeout = config.listener().drainTimeout();
        context.baseModels(BaseModels.of(config.loraAdapters()));
    }

    /** The gRPC port (ext_proc and health). */
    public int port() {
        return server.getPort();
    }

    /** The admin port, or -1 without one. */
    public int adminPort() {
        return admin == null ? -1 : admin.port();
    }

    public InferencePools pools() {
        return pools;
    }

    public ExtProcMetrics metrics() {
        return metrics;
    }

    /** Stops taking streams, lets open ones finish for a moment, then stops everything. */
    @Override
    public void close() {
        ready = false;
        health.enterTerminalState();
        server.shutdown(); // no new streams; a stream is a whole request and response, so cutting it fails them
        try {
            if (!server.awaitTermination(drainTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("ext_proc streams still open after the drain timeout of {}; closing them", drainTimeout);
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
        if (admin != null) {
            admin.close();
        }
        sharing.close(); // before the pools: nothing is applied to a closed pool
        pools.close();
        context.backendRoutes(BackendRoutes.NONE).close();
        tokens.shutdownNow();
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
