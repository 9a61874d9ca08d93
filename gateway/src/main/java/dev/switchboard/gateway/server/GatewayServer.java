package dev.switchboard.gateway.server;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.ListenerSettings;
import dev.switchboard.policy.Policies;
import dev.switchboard.gateway.admin.AccessLog;
import dev.switchboard.gateway.admin.AdminHandler;
import dev.switchboard.gateway.admin.GatewayMetrics;
import dev.switchboard.gateway.handler.RequestBuffers;
import dev.switchboard.gateway.upstream.UpstreamPool;
import dev.switchboard.picker.pool.InferencePools;
import dev.switchboard.picker.pool.MetricsSource;
import dev.switchboard.picker.pool.PoolEnvironment;
import dev.switchboard.picker.pool.SharedPoolState;
import dev.switchboard.transport.HttpPoller;
import dev.switchboard.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.internal.PlatformDependent;
import javax.net.ssl.SSLException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: the API listener, the admin listener, one event loop group shared by client and upstream
 * connections, and the current configuration, which {@link #reload} swaps atomically.
 */
public final class GatewayServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);
    /** Time allowed to open a connection to an upstream before the attempt fails. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final Transport transport;
    private final EventLoopGroup group;
    private final GatewayContext context;
    /** The InferencePools, polled and ticked on the gateway's loops; they outlive each configuration. */
    private final InferencePools pools;
    /** What the pools share with other replicas (--share-state); owned (and closed) by this server. */
    private final SharedPoolState sharing;
    private final ChannelGroup clients = new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE);
    private final ListenerSettings listener;
    private Channel api;
    private Channel admin;
    private volatile boolean draining;
    /**
     * Fetches and refreshes the backends' tokens (OAuth, STS): blocking HTTP, so never on an event loop. One daemon
     * thread: tokens live for an hour and take a few hundred milliseconds to get.
     */
    private final ScheduledExecutorService tokens = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "switchboard-credentials");
        t.setDaemon(true);
        return t;
    });

    private GatewayServer(GatewayConfig config, int ioThreads, Transport transport, SharedPoolState sharing)
            throws ConfigException {
        this.sharing = sharing;
        this.transport = transport.withOwnResolver(); // its DNS cache expires on this gateway's loops: goes with them
        this.group = transport.newGroup(ioThreads > 0 ? ioThreads : defaultIoThreads(), "gateway-io");
        for (EventExecutor loop : group) { // built here, so no event loop reads the resolver's files or waits for them
            this.transport.resolver().getResolver(loop);
        }
        this.listener = config.listener();
        this.pools = new InferencePools(poolEnvironment(group, this.transport).withSharing(sharing));
        RuntimeConfig runtime;
        try {
            runtime = RuntimeConfig.build(config, pools, tokens, Policies.NONE);
        } catch (ConfigException | RuntimeException e) {
            sharing.close();
            tokens.shutdownNow();
            pools.close();
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            this.transport.resolver().close();
            throw e;
        }
        this.context = new GatewayContext(runtime, new UpstreamPool(this.transport, CONNECT_TIMEOUT,
                config.listener().upstreamIdleTimeout()), new GatewayMetrics(),
                new AccessLog(config.listener().accessLog()),
                RequestBuffers.total(bodyBudget(config.listener().client().maxBufferedBytes())));
        context.metrics().poolQueues(() -> {
            Map<String, Integer> queued = new TreeMap<>();
            pools.all().forEach((name, p) -> queued.put(name, p.queued()));
            return queued;
        });
        context.metrics().ttftModels(pools::all);
        context.metrics().accessLogDropped(context.accessLog()::dropped);
        context.metrics().requestBuffers(context.requestBuffers()::used, context.requestBuffers().limit());
        context.metrics().configuredModels(runtime.router().models());
        context.metrics().rateLimitStore(() -> context.config().policies().limiter());
        context.metrics().sharedState(sharing::stats);
        sharing.start(pools);
    }

    /** Pools read their endpoints' /metrics over HTTP and run flow control's ticks on the gateway's loops. */
    static PoolEnvironment poolEnvironment(EventLoopGroup group, Transport transport) {
        MetricsSource metrics = (endpoint, intervalNanos, pages) -> HttpPoller.start(group.next(), transport,
                endpoint.host(), endpoint.port(), "/metrics", intervalNanos, pages);
        return new PoolEnvironment(metrics, (task, delayNanos) -> group.next().schedule(task, delayNanos,
                TimeUnit.NANOSECONDS), System::nanoTime);
    }

    /**
     * Event loops when not told: one per core the JVM may use, as nginx runs a worker per core. The gateway never
     * blocks a loop, so Netty's default of two per core only adds threads that take turns on the same cores (at 32
     * connections on one core, three runs each: two loops 39-54k req/s with a p99 of 5.4-9.2 ms, one 47-55k with
     * 1.3-8.9 ms).
     */
    static int defaultIoThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * The budget for buffered request bodies: as configured, but never more than half the direct memory Netty may
     * use (bodies live there, beside every socket's read and write buffers), which a small heap makes small.
     */
    static long bodyBudget(long configured) {
        long direct = PlatformDependent.maxDirectMemory();
        if (direct > 0 && configured > direct / 2) {
            LOG.warn("maxBufferedRequestBytes {} is more than half of the JVM's direct memory ({} bytes); using {}."
                    + " Raise -XX:MaxDirectMemorySize to buffer more.", configured, direct, direct / 2);
            return direct / 2;
        }
        return configured;
    }

    /**
     * Starts listening; {@code ioThreads} 0 = one per core ({@link #defaultIoThreads}).
     *
     * @throws ConfigException when a part of {@code config} only the running gateway checks (a pool's picker
     *                         configuration) is invalid
     */
    public static GatewayServer start(GatewayConfig config, int ioThreads) throws InterruptedException, ConfigException {
        return start(config, ioThreads, Transport.best());
    }

    /**
     * Starts listening on {@code transport}, whose name servers find upstreams and pool endpoints by name (tests pass
     * one that asks their own name server: {@link Transport#withNameServers}). The gateway resolves with a resolver
     * and cache of its own ({@link Transport#withOwnResolver}), closed with it.
     *
     * @throws ConfigException as {@link #start(GatewayConfig, int)}
     */
    public static GatewayServer start(GatewayConfig config, int ioThreads, Transport transport)
            throws InterruptedException, ConfigException {
        return start(config, ioThreads, transport, SharedPoolState.NONE);
    }

    /**
     * Starts listening, with the InferencePools sharing what they learn (prefix blocks, in-flight counts) with the
     * other replicas through {@code sharing} (e.g. a Redis channel: {@code --share-state}). The server takes
     * ownership of {@code sharing}: it starts it once the pools exist and closes it with itself (also when the start
     * fails).
     *
     * @throws ConfigException as {@link #start(GatewayConfig, int)}
     */
    public static GatewayServer start(GatewayConfig config, int ioThreads, Transport transport,
            SharedPoolState sharing) throws InterruptedException, ConfigException {
        GatewayServer s = new GatewayServer(config, ioThreads, transport, sharing);
        try {
            s.bind();
        } catch (RuntimeException | InterruptedException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private void bind() throws InterruptedException {
        api = new ServerBootstrap().group(group).channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new GatewayInitializer(context, clients, listener.tls() ? serverTls(listener) : null))
                .bind(listener.host(), listener.port()).sync().channel();
        AdminHandler handler = new AdminHandler(context.metrics(), () -> !draining);
        admin = new ServerBootstrap().group(group).channel(transport.serverChannel())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192), handler);
                    }
                })
                .bind(listener.adminHost(), listener.adminPort()).sync().channel(); // loopback unless configured
    }

    /** TLS from the configured PEM files, offering h2 and http/1.1 by ALPN. */
    private static SslContext serverTls(ListenerSettings l) {
        try {
            return SslContextBuilder.forServer(l.tlsCert().toFile(), l.tlsKey().toFile())
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot use the TLS certificate " + l.tlsCert() + " and key " + l.tlsKey()
                    + " (PEM certificate chain and PKCS#8 key expected): " + e.getMessage(), e);
        }
    }

    public int port() {
        return ((InetSocketAddress) api.localAddress()).getPort();
    }

    public int adminPort() {
        return adminAddress().getPort();
    }

    /** Where the admin listener is bound ({@code 127.0.0.1} unless the Gateway's {@code admin.host} says otherwise). */
    public InetSocketAddress adminAddress() {
        return (InetSocketAddress) admin.localAddress();
    }

    public GatewayContext context() {
        return context;
    }

    /** Client connections open now (an HTTP/2 connection counts once, whatever its streams). */
    public int openClientConnections() {
        return clients.size();
    }

    /**
     * Bytes written to HTTP/1.1 client connections and not yet taken by their sockets: what slow clients cost in
     * memory. Read from outside the event loops, so approximate.
     */
    public long pendingClientBytes() {
        long total = 0;
        for (Channel ch : clients) {
            var buffer = ch.unsafe().outboundBuffer();
            if (buffer != null) {
                total += buffer.totalPendingWriteBytes();
            }
        }
        return total;
    }

    /**
     * Makes {@code next} the configuration for every request that arrives from now on; requests in flight finish
     * with the one they started with. Listener settings (ports, TLS) only change with a restart.
     */
    public void reload(GatewayConfig next) throws ConfigException {
        if (!next.listener().equals(listener)) {
            LOG.warn("listener settings changed in {}; they take effect at the next restart", next.source());
        }
        RuntimeConfig built = RuntimeConfig.build(next, pools, tokens, context.config().policies());
        context.metrics().configuredModels(built.router().models()); // before the swap: its first requests are labelled right
        RuntimeConfig old = context.config();
        context.swap(built);
        old.credentials().close(); // requests still on it keep their current keys and tokens
        old.policies().close();
        LOG.info("configuration reloaded from {}: {} rules, {} backends", next.source(), next.rules().size(),
                next.backends().size());
    }

    /** Stops accepting, lets requests in flight finish up to the drain timeout, then closes everything. */
    @Override
    public void close() {
        draining = true;
        if (api != null) {
            api.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        long deadline = System.nanoTime() + listener.drainTimeout().toNanos();
        while (context.inFlight().get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (context.inFlight().get() > 0) {
            LOG.warn("{} requests still in flight after the drain timeout of {}; closing them", context.inFlight().get(),
                    listener.drainTimeout());
        }
        clients.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        if (admin != null) {
            admin.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        sharing.close(); // before the pools: nothing is applied to a closed pool
        pools.close();
        context.config().credentials().close();
        context.config().policies().close();
        tokens.shutdownNow();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        transport.resolver().close();
        context.accessLog().close(); // last: the loops have logged their last requests
    }
}
