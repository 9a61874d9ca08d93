package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.gateway.server.GatewayServer;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.engine.EngineConfig;
import dev.switchboard.sim.server.SimServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@code run --kubernetes} end to end against fabric8's mock API server: a Gateway of Switchboard's class, a route
 * and an InferencePool applied through the API, two simulated model servers standing for two Pods (127.0.0.1 and
 * 127.0.0.2), and traffic that keeps flowing while the Pods become ready, unready and deleted. No request fails.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesGatewayIT {
    static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");
    KubernetesClient client;

    static {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING); // one line per request otherwise
    }

    void apply(String group, String version, String plural, String kind, boolean namespaced, String yaml) {
        var ctx = new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withPlural(plural)
                .withKind(kind).withNamespaced(namespaced).build();
        GenericKubernetesResource r = Serialization.unmarshal(yaml, GenericKubernetesResource.class);
        var ops = client.genericKubernetesResources(ctx);
        (namespaced ? ops.inNamespace("default") : ops).resource(r).createOr(op -> op.update());
    }

    /** The pool llama at {@code port}: its first Pod ({@code ready}) ready, its second not yet. */
    void poolOfTwoPods(int port, String ready, String unready) {
        apply("inference.networking.k8s.io", "v1", "inferencepools", "InferencePool", true, """
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: llama, namespace: default}
                spec:
                  selector: {matchLabels: {app: llama}}
                  targetPorts: [{number: %d}]
                  endpointPickerRef: {name: llama-epp}
                """.formatted(port));
        client.pods().inNamespace("default").resource(pod("llama-0", ready, true)).create();
        client.pods().inNamespace("default").resource(pod("llama-1", unready, false)).create();
    }

    static KubernetesMode.Options options() {
        KubernetesMode.Options options = new KubernetesMode.Options();
        options.enabled = true;
        options.namespace = "default";
        return options;
    }

    static Pod pod(String name, String ip, boolean ready) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("default").addToLabels("app", "llama")
                .endMetadata().withNewSpec().addNewContainer().withName("vllm").withImage("vllm").endContainer()
                .endSpec().withNewStatus().withPodIP(ip).addNewCondition().withType("Ready")
                .withStatus(ready ? "True" : "False").endCondition().endStatus().build();
    }

    @Test
    void theExtProcPickerServesThePoolsReadyPodsAsTheyChange() throws Exception {
        poolOfTwoPods(8000, "10.1.0.1", "10.1.0.2");
        KubernetesMode.Options options = options();
        try (KubernetesMode.Started cluster = KubernetesMode.start(client, options, c -> c, c -> { });
                dev.switchboard.extproc.ExtProcServer picker = dev.switchboard.extproc.ExtProcServer.start(
                        new dev.switchboard.extproc.ExtProcSettings("127.0.0.1", 0, -1, null, false,
                                dev.switchboard.extproc.ExtProcSettings.DEFAULT_MAX_BODY_BYTES,
                                dev.switchboard.extproc.ExtProcSettings.DEFAULT_MAX_DESTINATIONS, 1),
                        cluster.first())) {
            cluster.onChange(picker::apply);
            assertThat(addresses(picker)).containsExactly("10.1.0.1:8000");
            client.pods().inNamespace("default").resource(pod("llama-1", "10.1.0.2", true)).update();
            await().atMost(Duration.ofSeconds(10)).until(() -> addresses(picker).size() == 2);
            client.pods().inNamespace("default").withName("llama-0").delete();
            await().atMost(Duration.ofSeconds(10)).until(() -> addresses(picker).equals(List.of("10.1.0.2:8000")));
        }
    }

    static List<String> addresses(dev.switchboard.extproc.ExtProcServer picker) {
        return picker.pools().all().get("llama").endpoints().stream().map(e -> e.address()).sorted().toList();
    }

    @Test
    void podsComeAndGoUnderTrafficWithNoFailedRequest() throws Exception {
        EngineConfig engine = EngineConfig.defaults().withTimeScale(0);
        try (SimServer first = SimServer.start(SimConfig.defaults().withEndpoints(0, 1).withEngine(engine))) {
            int port = first.addresses().get(0).getPort();
            try (SimServer second = SimServer.start(SimConfig.defaults().withHost("127.0.0.2").withEndpoints(port, 1)
                    .withEngine(engine))) {
                run(first, second, port);
            }
        }
    }

    private void run(SimServer first, SimServer second, int port) throws Exception {
        apply("gateway.networking.k8s.io", "v1", "gatewayclasses", "GatewayClass", false, """
                apiVersion: gateway.networking.k8s.io/v1
                kind: GatewayClass
                metadata: {name: switchboard}
                spec: {controllerName: switchboard.dev/gateway-controller}
                """);
        apply("gateway.networking.k8s.io", "v1", "gateways", "Gateway", true, """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: inference, namespace: default}
                spec:
                  gatewayClassName: switchboard
                  listeners: [{name: http, protocol: HTTP, port: 80}]
                """);
        apply("aigateway.envoyproxy.io", "v1alpha1", "aigatewayroutes", "AIGatewayRoute", true, """
                apiVersion: aigateway.envoyproxy.io/v1alpha1
                kind: AIGatewayRoute
                metadata: {name: chat, namespace: default}
                spec:
                  parentRefs: [{name: inference}]
                  rules:
                  - matches: [{headers: [{name: x-ai-eg-model, value: %s}]}]
                    backendRefs: [{name: llama, kind: InferencePool, group: inference.networking.k8s.io}]
                """.formatted(SimConfig.DEFAULT_MODEL));
        poolOfTwoPods(port, "127.0.0.1", "127.0.0.2");

        KubernetesMode.Options options = options();
        try (KubernetesMode.Started cluster = KubernetesMode.start(client, options,
                c -> c.withListener(c.listener().withListen("127.0.0.1", 0).withAdmin("127.0.0.1", 0)), c -> { });
                GatewayServer gateway = GatewayServer.start(cluster.first(), 1)) {
            cluster.onChange(gateway::reload);
            GatewayConfig c = cluster.first();
            assertThat(c.gateway()).isEqualTo("inference");
            assertThat(c.pools().get(0).endpoints()).hasSize(1);

            Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
            AtomicBoolean running = new AtomicBoolean(true);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String body = "{\"model\":\"" + SimConfig.DEFAULT_MODEL + "\",\"max_tokens\":4,\"messages\":[{\"role\":"
                    + "\"user\",\"content\":\"hi\"}]}";
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 4; i++) {
                    clients.submit(() -> {
                        while (running.get()) {
                            int status;
                            try {
                                status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                        + gateway.port() + "/v1/chat/completions")).timeout(Duration.ofSeconds(10))
                                        .header("content-type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                        HttpResponse.BodyHandlers.discarding()).statusCode();
                            } catch (Exception e) {
                                status = -1;
                            }
                            statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                        }
                        return null;
                    });
                }
                try {
                    phases(cluster, first, second);
                } finally {
                    running.set(false); // a failed phase must not leave the clients looping while the executor closes
                }
            }
            assertThat(statuses.keySet()).as("every answer, by status: %s", statuses).containsExactly(200);
            assertThat(statuses.get(200).get()).isGreaterThan(60);
        }
    }

    /**
     * Readiness changes under the clients' traffic: the second Pod joins (the picker may or may not choose it for
     * prompts this small, so only its membership is awaited), the first leaves, then is deleted.
     */
    private void phases(KubernetesMode.Started cluster, SimServer first, SimServer second) throws Exception {
        assertThat(waitForRequests(first, 20)).isPositive();
        client.pods().inNamespace("default").resource(pod("llama-1", "127.0.0.2", true)).update();
        await().atMost(Duration.ofSeconds(30)).until(() -> members(cluster) == 2);
        Thread.sleep(500); // traffic over both
        client.pods().inNamespace("default").resource(pod("llama-0", "127.0.0.1", false)).update();
        await().atMost(Duration.ofSeconds(30)).until(() -> members(cluster) == 1);
        Thread.sleep(300); // in-flight requests to the unready Pod finish
        long before = requests(first);
        waitForRequests(second, 20);
        assertThat(requests(first)).as("no new request goes to the unready Pod").isEqualTo(before);
        client.pods().inNamespace("default").withName("llama-0").delete();
        waitForRequests(second, 20);
    }

    static int members(KubernetesMode.Started cluster) {
        return cluster.source().current().pools().get(0).endpoints().size();
    }

    static long requests(SimServer s) {
        var m = s.engine(0).metrics();
        return m.finishedStop.sum() + m.finishedLength.sum() + m.finishedAbort.sum();
    }

    /** Waits until {@code s} has finished {@code more} requests beyond now; returns its count then. */
    static long waitForRequests(SimServer s, long more) {
        long target = requests(s) + more;
        await().atMost(Duration.ofSeconds(30)).until(() -> requests(s) >= target);
        return requests(s);
    }
}
