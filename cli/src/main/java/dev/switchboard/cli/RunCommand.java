package dev.switchboard.cli;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.ConfigWatcher;
import dev.switchboard.gateway.server.GatewayServer;
import dev.switchboard.picker.pool.SharedPoolState;
import dev.switchboard.redis.share.RedisSharedState;
import dev.switchboard.redis.share.ShareUri;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.server.SimServer;
import dev.switchboard.transport.Transport;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code switchboard run}: the gateway, from a configuration file or, without one, the embedded default. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs the gateway. With --config, serves that file and reloads it when it changes (an invalid",
            "change is rejected and the running configuration kept). Without, serves an embedded default: a simulated",
            "model pool, a simulated Claude and Gemini, plus each provider whose API-key variable is set",
            "(OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY, AWS_ACCESS_KEY_ID with AWS_REGION,",
            "AZURE_OPENAI_API_KEY with AZURE_OPENAI_ENDPOINT). Provider credentials are not served beyond loopback",
            "without client authentication unless --allow-unauthenticated says so."})
final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
    @Option(names = {"-c", "--config"}, description = "Configuration file (YAML); see docs/gateway.md.")
    Path config;
    @Option(names = "--host", description = "Address the API listens on: the embedded default's (default: 127.0.0.1),"
            + " and the Kubernetes mode's when given (default there: every address, a Gateway listener's). The admin"
            + " port does not follow it: see --admin-host.")
    String host;
    @Option(names = "--port", description = "The embedded default's API port (default: 8080); with --kubernetes, the"
            + " port the API listens on whatever the Gateway's listener says (the container's port behind its Service).")
    Integer port;
    @Option(names = "--admin-host", description = "Address of the admin port (/metrics, /health, /ready): loopback"
            + " (127.0.0.1) whatever --host is. With -c, the Gateway document's admin.host sets it, and it is loopback"
            + " too when unset. Given, it sets the Kubernetes mode's (0.0.0.0 there, for the kubelet's probes).")
    String adminHost;
    @Option(names = "--admin-port", description = "The embedded default's admin port (default: 9901), and the"
            + " Kubernetes mode's when given.")
    Integer adminPort;
    @Mixin
    KubernetesMode.Options kubernetes = new KubernetesMode.Options();
    @Option(names = "--io-threads", defaultValue = "0", description = "Event loop threads; 0 = one per core (default).")
    int ioThreads;
    @Option(names = "--allow-unauthenticated", description = "Serve provider credentials on a non-loopback address"
            + " without client authentication (only behind something that authenticates every client itself).")
    boolean allowUnauthenticated;
    @Option(names = "--share-state", paramLabel = "redis://host:port[/keyPrefix]", description = "Share what the"
            + " InferencePools learn (prefix blocks sent to each endpoint, requests in flight) with the other replicas"
            + " pointed at the same Redis and key prefix (default prefix switchboard), so N replicas behind a"
            + " round-robin Service pick as one. Redis down: each replica picks alone and resumes when it returns."
            + " Password, if any, from " + ShareUri.PASSWORD_ENV + "; see docs/scaling.md.")
    String shareState;

    @Override
    public Integer call() throws Exception {
        if (kubernetes.enabled) {
            return runFromCluster();
        }
        SimServer sims = null;
        GatewayConfig gatewayConfig;
        if (config != null) {
            gatewayConfig = ConfigLoader.load(config);
        } else {
            sims = EmbeddedDefault.startSims();
            gatewayConfig = ConfigLoader.parse(EmbeddedDefault.yaml(sims, System.getenv(), host == null ? "127.0.0.1" : host,
                    port == null ? 8080 : port, adminHost == null ? "127.0.0.1" : adminHost,
                    adminPort == null ? 9901 : adminPort), "embedded default");
        }
        GatewayConfig loaded = gatewayConfig;
        loaded.notes().forEach(n -> LOG.info("{}: {}", loaded.source(), n));
        String refusal = allowUnauthenticated ? null : OpenRelayCheck.refusal(gatewayConfig);
        if (refusal != null) {
            if (sims != null) {
                sims.close();
            }
            System.err.println("switchboard: " + refusal);
            return 2;
        }
        SharedPoolState sharing;
        try {
            sharing = sharing(shareState);
        } catch (IllegalArgumentException e) {
            if (sims != null) {
                sims.close();
            }
            System.err.println("switchboard: " + e.getMessage());
            return 2;
        }
        GatewayServer server = GatewayServer.start(gatewayConfig, ioThreads, Transport.best(), sharing);
        ConfigWatcher watcher = config == null ? null : new ConfigWatcher(config, next -> {
            next.notes().forEach(n -> LOG.info("{}: {}", next.source(), n));
            server.reload(next);
        });
        if (watcher != null) {
            server.context().metrics().configReloads(watcher::applied, watcher::rejected, watcher::failed);
        }
        SimServer simsToClose = sims;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                if (watcher != null) {
                    watcher.close();
                }
            } catch (Exception ignored) {
                // shutting down
            }
            server.close();
            if (simsToClose != null) {
                simsToClose.close();
            }
            stopped.countDown();
        }, "gateway-shutdown"));
        banner(server, gatewayConfig, sims);
        stopped.await();
        return 0;
    }

    /**
     * {@code --kubernetes}: the configuration from the cluster, each build checked as a file's would be (and for an
     * open relay) and applied by reload; status is written by the Lease holder (docs/kubernetes.md).
     */
    private int runFromCluster() throws Exception {
        if (config != null) {
            System.err.println("switchboard: --kubernetes and --config: choose one (the cluster or a file)");
            return 2;
        }
        KubernetesMode.Started cluster;
        try {
            cluster = KubernetesMode.start(kubernetes, this::commandLinePorts, c -> {
                String refusal = allowUnauthenticated ? null : OpenRelayCheck.refusal(c);
                if (refusal != null) {
                    throw new ConfigException(refusal);
                }
            });
        } catch (ConfigException e) {
            System.err.println("switchboard: " + e.getMessage());
            return 2;
        }
        SharedPoolState sharing;
        try {
            sharing = sharing(shareState);
        } catch (IllegalArgumentException e) {
            cluster.close();
            System.err.println("switchboard: " + e.getMessage());
            return 2;
        }
        GatewayServer server = GatewayServer.start(cluster.first(), ioThreads, Transport.best(), sharing);
        cluster.onChange(server::reload);
        server.context().metrics().configReloads(cluster.source()::applied, cluster.source()::refused, () -> 0);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cluster.close();
            server.close();
            stopped.countDown();
        }, "gateway-shutdown"));
        banner(server, cluster.first(), null);
        stopped.await();
        return 0;
    }

    /** The ports the command line gives the Kubernetes mode, over what the resources say. */
    private GatewayConfig commandLinePorts(GatewayConfig c) {
        var l = c.listener();
        if (port != null || host != null) {
            l = l.withListen(host != null ? host : l.host().equals("127.0.0.1") ? "0.0.0.0" : l.host(),
                    port != null ? port : l.port());
        }
        if (adminHost != null || adminPort != null) {
            l = l.withAdmin(adminHost != null ? adminHost : l.adminHost(), adminPort != null ? adminPort : l.adminPort());
        }
        return c.withListener(l);
    }

    private void banner(GatewayServer server, GatewayConfig c, SimServer sims) {
        String base = "http://" + c.listener().host() + ":" + server.port();
        System.out.printf("switchboard gateway on %s (admin: http://%s:%d/metrics), config: %s%n", base,
                c.listener().adminHost(), server.adminPort(), c.source());
        if (sims != null) {
            System.out.printf("  InferencePool simulated-pool: %d in-process vLLM simulators serving %s (h100-8b profile,"
                    + " real time), picked by predicted-ttft%n",
                    sims.addresses().size(), SimConfig.DEFAULT_MODEL);
            System.out.printf("  simulated providers: %s (Anthropic's API), %s (the Gemini API), on the same engine%n",
                    EmbeddedDefault.SIM_CLAUDE, EmbeddedDefault.SIM_GEMINI);
            List<String> providers = EmbeddedDefault.providers(System.getenv());
            System.out.println("  providers: " + (providers.isEmpty() ? "none (set OPENAI_API_KEY, ANTHROPIC_API_KEY,"
                    + " GEMINI_API_KEY, AWS_ACCESS_KEY_ID with AWS_REGION, or AZURE_OPENAI_API_KEY with"
                    + " AZURE_OPENAI_ENDPOINT to add one)" : String.join(", ", providers)));
            System.out.printf("  try:%n    curl -s %s/v1/models%n", base);
            System.out.printf("    curl -s %s/v1/chat/completions -H 'content-type: application/json' \\%n"
                    + "      -d '{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}],\"max_tokens\":16}'%n",
                    base, SimConfig.DEFAULT_MODEL);
            System.out.printf("    curl -sN %s/v1/chat/completions -H 'content-type: application/json' \\%n"
                    + "      -d '{\"model\":\"%s\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}],\"max_tokens\":16}'%n",
                    base, SimConfig.DEFAULT_MODEL);
            System.out.printf("    curl -s %s/v1/messages -H 'content-type: application/json' -H 'anthropic-version: 2023-06-01' \\%n"
                    + "      -d '{\"model\":\"%s\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}'"
                    + "   # Anthropic's API, answered by the simulated Gemini%n", base, EmbeddedDefault.SIM_GEMINI);
            System.out.printf("    curl -s %s/v1beta/models/%s:generateContent -H 'content-type: application/json' \\%n"
                    + "      -d '{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hello\"}]}]}'"
                    + "   # Gemini's API, answered by the simulated Claude%n", base, EmbeddedDefault.SIM_CLAUDE);
        }
        if (shareState != null) {
            System.out.println("  sharing pool state with the other replicas on " + ShareUri.parse(shareState));
        }
        System.out.println("  Ctrl-C drains in-flight requests and stops.");
        System.out.flush();
    }

    /** The sharing --share-state asks for, or NONE; throws IllegalArgumentException for a malformed URI. */
    static SharedPoolState sharing(String shareState) {
        return shareState == null ? SharedPoolState.NONE
                : RedisSharedState.create(ShareUri.parse(shareState), System::getenv);
    }
}
