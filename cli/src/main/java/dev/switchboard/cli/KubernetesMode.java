package dev.switchboard.cli;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.SkippingLoader;
import dev.switchboard.kubernetes.ClusterConfigSource;
import dev.switchboard.kubernetes.KubernetesSettings;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Option;

/**
 * {@code --kubernetes}: the configuration from the API server instead of a file (the in-cluster service account,
 * or the kubeconfig outside a cluster), for {@code run} and {@code extproc} alike.
 */
final class KubernetesMode {
    /** The options both commands mix in. */
    static final class Options {
        @Option(names = "--kubernetes", description = "Read the configuration from the Kubernetes API server"
                + " (InferencePools, AIGatewayRoutes, ... and the Pods they select); see docs/kubernetes.md.")
        boolean enabled;
        @Option(names = "--namespace", paramLabel = "NS", description = "With --kubernetes: the namespace watched"
                + " (default: the Pod's own, POD_NAMESPACE, else the kubeconfig's, else default).")
        String namespace;
        @Option(names = "--all-namespaces", description = "With --kubernetes: watch every namespace.")
        boolean allNamespaces;
        @Option(names = "--gateway", paramLabel = "NAME", description = "With --kubernetes: the Gateway API Gateway to"
                + " serve when several are of Switchboard's GatewayClass.")
        String gateway;
    }

    private KubernetesMode() {}

    /**
     * Starts reading the cluster. {@code adjust} rewrites each configuration before it is checked and applied (the
     * command line's ports); {@code extra} is what the command refuses beyond the loader and {@link ConfigChecks}.
     */
    static Started start(Options o, UnaryOperator<GatewayConfig> adjust, SkippingLoader.Check extra)
            throws ConfigException {
        if (o.allNamespaces && o.namespace != null) {
            throw new ConfigException("--namespace and --all-namespaces: choose one");
        }
        // the defaults retry a refused connection ten times with backoff: a minute before a wrong kubeconfig is said
        Config config = new ConfigBuilder(Config.autoConfigure(null)).withRequestRetryBackoffLimit(1)
                .withConnectionTimeout(5_000).build();
        return start(new KubernetesClientBuilder().withConfig(config).build(), o, adjust, extra);
    }

    /** The same with {@code client} (closed with the source, or now when the start fails). */
    static Started start(KubernetesClient client, Options o, UnaryOperator<GatewayConfig> adjust,
            SkippingLoader.Check extra) throws ConfigException {
        String own = System.getenv("POD_NAMESPACE");
        String home = own != null && !own.isBlank() ? own
                : client.getNamespace() != null ? client.getNamespace() : "default";
        KubernetesSettings settings = KubernetesSettings.of(o.allNamespaces ? null : o.namespace != null
                ? o.namespace : home, o.namespace != null ? o.namespace : home, o.gateway);
        try {
            ClusterConfigSource source = ClusterConfigSource.start(client, settings, c -> {
                GatewayConfig adjusted = adjust.apply(c);
                ConfigChecks.check(adjusted);
                extra.check(adjusted);
            });
            return new Started(client, source, adjust);
        } catch (ConfigException e) {
            client.close();
            throw e;
        }
    }

    /** A running source and its client, closed together. */
    record Started(KubernetesClient client, ClusterConfigSource source, UnaryOperator<GatewayConfig> adjust)
            implements AutoCloseable {
        GatewayConfig first() {
            return adjust.apply(source.current());
        }

        /** Later configurations go to {@code apply}, adjusted. */
        void onChange(ClusterConfigSource.Apply apply) {
            source.onChange(c -> apply.apply(adjust.apply(c)));
        }

        @Override
        public void close() {
            source.close();
            client.close();
        }
    }
}
