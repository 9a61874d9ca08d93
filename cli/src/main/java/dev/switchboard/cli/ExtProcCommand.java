package dev.switchboard.cli;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.core.config.ConfigWatcher;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.extproc.ExtProcServer;
import dev.switchboard.extproc.ExtProcSettings;
import dev.switchboard.picker.pool.SharedPoolState;
import dev.switchboard.redis.share.ShareUri;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code switchboard extproc}: the Envoy ext_proc server, an Endpoint Picker for the config's InferencePools. */
@Command(name = "extproc", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Runs an Envoy External Processing (ext_proc) gRPC server: a drop-in",
            "Endpoint Picker for the Gateway API Inference Extension",
            "(FULL_DUPLEX_STREAMED; x-gateway-destination-endpoint and envoy.lb",
            "metadata) and a body-based model router. Serves the InferencePools of",
            "the configuration file (the kinds 'run' reads; routes and backends are",
            "Envoy's business and ignored) and reloads it when it changes.",
            "",
            "Which pool picks for a stream, the first that applies:",
            "  1. the ext_proc call's gRPC metadata x-switchboard-pool",
            "     (Envoy: ExtProcPerRoute overrides.grpc_initial_metadata),",
            "  2. the request header x-switchboard-pool,",
            "  3. with --bbr: none, body-based routing (x-ai-eg-model,",
            "     x-gateway-model-name, x-gateway-base-model-name; no pick),",
            "  4. --pool NAME,",
            "  5. the configuration's only pool,",
            "  6. otherwise none: body-based routing.",
            "A pool name the configuration lacks is answered 503, naming its pools.",
            "See docs/extproc.md.",
            ""})
final class ExtProcCommand implements Callable<Integer> {
    @Mixin
    KubernetesMode.Options kubernetes = new KubernetesMode.Options();
    @Option(names = {"-c", "--config"}, description = "Configuration file (YAML): InferencePools,"
            + " their Endpoints, objectives, model rewrites and EndpointPickerConfigs; see docs/gateway.md.")
    Path config;
    @Option(names = "--host", defaultValue = "0.0.0.0", description = "Address both ports listen on (default:"
            + " ${DEFAULT-VALUE}: Envoy and Prometheus reach it from other hosts).")
    String host;
    @Option(names = "--port", defaultValue = "" + ExtProcSettings.DEFAULT_PORT, description = "ext_proc and gRPC"
            + " health port (default: ${DEFAULT-VALUE}, the reference endpoint picker's).")
    int port;
    @Option(names = "--admin-port", defaultValue = "" + ExtProcSettings.DEFAULT_ADMIN_PORT, description = "Prometheus"
            + " /metrics, /health and /ready (default: ${DEFAULT-VALUE}); -1 for none.")
    int adminPort;
    @Option(names = "--pool", description = "The pool that picks for streams that name none.")
    String pool;
    @Option(names = "--bbr", description = "Streams that name no pool get body-based routing only.")
    boolean bodyBasedRouting;
    @Option(names = "--max-body-bytes", defaultValue = "" + ExtProcSettings.DEFAULT_MAX_BODY_BYTES,
            description = "Largest request body read; larger ones are answered 413 (default: ${DEFAULT-VALUE}).")
    long maxBodyBytes;
    @Option(names = "--destinations", defaultValue = "" + ExtProcSettings.DEFAULT_MAX_DESTINATIONS,
            description = "Endpoints in x-gateway-destination-endpoint: the pick, then fallbacks Envoy retries in"
                    + " order. Default ${DEFAULT-VALUE}: ORIGINAL_DST clusters read one; raise it behind override_host.")
    int destinations;
    @Option(names = "--io-threads", defaultValue = "0", description = "Event loop threads; 0 = two per core (default).")
    int ioThreads;
    @Option(names = "--share-state", paramLabel = "redis://host:port[/keyPrefix]", description = "Share what the"
            + " InferencePools learn (prefix blocks sent to each endpoint, requests in flight) with the other replicas"
            + " pointed at the same Redis and key prefix (default prefix switchboard), so N replicas behind a"
            + " round-robin Service pick as one. Redis down: each replica picks alone and resumes when it returns."
            + " Password, if any, from " + ShareUri.PASSWORD_ENV + "; see docs/scaling.md.")
    String shareState;

    @Override
    public Integer call() throws Exception {
        if (kubernetes.enabled == (config != null)) {
            System.err.println("switchboard: extproc needs its configuration from a file (-c FILE) or from the cluster"
                    + " (--kubernetes): one of the two");
            return 2;
        }
        KubernetesMode.Started cluster = null;
        GatewayConfig first;
        if (kubernetes.enabled) {
            try {
                cluster = KubernetesMode.start(kubernetes, c -> c, c -> { });
            } catch (ConfigException e) {
                System.err.println("switchboard: " + e.getMessage());
                return 2;
            }
            first = cluster.first();
        } else {
            first = ConfigLoader.load(config);
        }
        ExtProcSettings settings = new ExtProcSettings(host, port, adminPort, pool, bodyBasedRouting, maxBodyBytes,
                destinations, ioThreads);
        SharedPoolState sharing;
        try {
            sharing = RunCommand.sharing(shareState);
        } catch (IllegalArgumentException e) {
            if (cluster != null) {
                cluster.close();
            }
            System.err.println("switchboard: " + e.getMessage());
            return 2;
        }
        ExtProcServer server = ExtProcServer.start(settings, first, sharing);
        ConfigWatcher watcher = null;
        if (cluster != null) {
            cluster.onChange(server::apply);
            server.metrics().configReloads(cluster.source()::applied, cluster.source()::refused, () -> 0);
        } else {
            watcher = new ConfigWatcher(config, server::apply);
            server.metrics().configReloads(watcher::applied, watcher::rejected, watcher::failed);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        ConfigWatcher toClose = watcher;
        KubernetesMode.Started clusterToClose = cluster;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                if (toClose != null) {
                    toClose.close();
                }
                if (clusterToClose != null) {
                    clusterToClose.close();
                }
            } catch (Exception ignored) {
                // shutting down
            }
            server.close();
            stopped.countDown();
        }, "extproc-shutdown"));
        banner(server, settings, first);
        stopped.await();
        return 0;
    }

    private static void banner(ExtProcServer server, ExtProcSettings s, GatewayConfig c) {
        System.out.printf("switchboard extproc on %s:%d (ext_proc + gRPC health)%s, config: %s%n", s.host(),
                server.port(), server.adminPort() < 0 ? "" : ", metrics: http://" + s.host() + ":"
                        + server.adminPort() + "/metrics", c.source());
        var pools = server.pools().all();
        System.out.println("  InferencePools: " + (pools.isEmpty() ? "none (body-based routing only)"
                : String.join(", ", pools.keySet())));
        String chooser = s.bodyBasedRouting() ? "body-based routing"
                : s.defaultPool() != null ? "pool " + s.defaultPool()
                : pools.size() == 1 ? "pool " + pools.keySet().iterator().next() : "body-based routing";
        System.out.println("  streams without x-switchboard-pool: " + chooser);
        System.out.println("  Ctrl-C stops.");
        System.out.flush();
    }
}
