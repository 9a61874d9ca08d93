package dev.switchboard.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.PoolConfig;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes mode against fabric8's mock API server in CRUD mode: resources created, changed and deleted
 * through the API reach the configuration, Pods join and leave pools by readiness, a Secret rotates in place, a
 * bad resource gets a status condition and is left out, and the leader writes status.
 */
@EnableKubernetesMockClient(crud = true)
class ClusterConfigSourceTest {
    static final String NS = "default";
    KubernetesMockServer server;
    KubernetesClient client;
    final List<ClusterConfigSource> sources = new ArrayList<>();
    final List<GatewayConfig> applied = new CopyOnWriteArrayList<>();

    static {
        // the mock server logs each request through java.util.logging: 800 lines a run
        java.util.logging.Logger.getLogger("io.fabric8.mockwebserver").setLevel(java.util.logging.Level.WARNING);
    }

    @BeforeEach
    void clean() {
        applied.clear();
    }

    @AfterEach
    void stop() {
        sources.forEach(ClusterConfigSource::close);
        sources.clear();
    }

    ClusterConfigSource start(String identity) throws Exception {
        KubernetesSettings s = KubernetesSettings.of(NS, NS, null).withIdentity(identity)
                .withTimings(Duration.ofMillis(20), Duration.ofMillis(1500), Duration.ofMillis(1000),
                        Duration.ofMillis(200));
        ClusterConfigSource source = ClusterConfigSource.start(client, s, c -> { });
        source.onChange(applied::add);
        sources.add(source);
        return source;
    }

    static String pool(String name, String app, int port) {
        return """
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: %s, namespace: default}
                spec:
                  selector: {matchLabels: {app: %s}}
                  targetPorts: [{number: %d}]
                  endpointPickerRef: {name: %s-epp}
                """.formatted(name, app, port, name);
    }

    static final String ROUTE = """
            apiVersion: aigateway.envoyproxy.io/v1alpha1
            kind: AIGatewayRoute
            metadata: {name: chat, namespace: default}
            spec:
              rules:
              - matches: [{headers: [{name: x-ai-eg-model, value: llama}]}]
                backendRefs: [{name: llama, kind: InferencePool, group: inference.networking.k8s.io}]
            """;

    /**
     * Create or replace, as a user's {@code kubectl apply} would: the leader writes status concurrently, which moves
     * the resourceVersion under a replace, so a conflict is retried on the latest version as kubectl does.
     */
    GenericKubernetesResource apply(String yaml) {
        GenericKubernetesResource r = Serialization.unmarshal(yaml, GenericKubernetesResource.class);
        WatchedKind k = WatchedKind.CONFIGURATION.stream().filter(w -> w.apiVersion().equals(r.getApiVersion())
                && w.kind().equals(r.getKind())).findFirst().orElseThrow();
        for (int attempt = 1; ; attempt++) {
            try {
                return client.genericKubernetesResources(k.context()).inNamespace(NS).resource(r)
                        .createOr(op -> op.update());
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == 5) {
                    throw e;
                }
            }
        }
    }

    void delete(String apiVersion, String kind, String name) {
        WatchedKind k = WatchedKind.CONFIGURATION.stream().filter(w -> w.apiVersion().equals(apiVersion)
                && w.kind().equals(kind)).findFirst().orElseThrow();
        client.genericKubernetesResources(k.context()).inNamespace(NS).withName(name).delete();
    }

    Pod pod(String name, String app, String ip, boolean ready) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace(NS).addToLabels("app", app).endMetadata()
                .withNewSpec().addNewContainer().withName("vllm").withImage("vllm").endContainer().endSpec()
                .withNewStatus().withPodIP(ip).addNewCondition().withType("Ready").withStatus(ready ? "True" : "False")
                .endCondition().endStatus().build();
    }

    GatewayConfig latest(ClusterConfigSource s) {
        return s.current();
    }

    static List<String> members(GatewayConfig c, String pool) {
        return c.pools().stream().filter(p -> p.name().equals(pool)).findFirst().map(PoolConfig::endpoints)
                .orElse(List.of()).stream().map(m -> m.host() + ":" + m.port()).sorted().toList();
    }

    @Test
    void aPoolAddedChangedAndDeletedThroughTheApiReachesTheConfiguration() throws Exception {
        client.pods().inNamespace(NS).resource(pod("llama-0", "llama", "10.0.0.1", true)).create();
        ClusterConfigSource s = start("a");
        assertThat(latest(s).pools()).isEmpty();

        apply(pool("llama", "llama", 8000));
        apply(ROUTE);
        await().atMost(Duration.ofSeconds(5)).until(() -> latest(s).routeNames().contains("chat"));
        assertThat(members(latest(s), "llama")).containsExactly("10.0.0.1:8000");

        apply(pool("llama", "llama", 8001));
        await().atMost(Duration.ofSeconds(5)).until(() -> members(latest(s), "llama").equals(List.of("10.0.0.1:8001")));

        delete("aigateway.envoyproxy.io/v1alpha1", "AIGatewayRoute", "chat");
        delete("inference.networking.k8s.io/v1", "InferencePool", "llama");
        await().atMost(Duration.ofSeconds(5)).until(() -> latest(s).pools().isEmpty() && latest(s).rules().isEmpty());
    }

    @Test
    void podsJoinWhenReadyAndLeaveWhenUnreadyOrDeleted() throws Exception {
        apply(pool("llama", "llama", 8000));
        apply(ROUTE);
        client.pods().inNamespace(NS).resource(pod("llama-0", "llama", "10.0.0.1", true)).create();
        client.pods().inNamespace(NS).resource(pod("llama-1", "llama", "10.0.0.2", false)).create();
        client.pods().inNamespace(NS).resource(pod("other-0", "other", "10.0.9.9", true)).create();
        ClusterConfigSource s = start("a");
        assertThat(members(latest(s), "llama")).as("ready Pods the selector matches").containsExactly("10.0.0.1:8000");

        client.pods().inNamespace(NS).resource(pod("llama-1", "llama", "10.0.0.2", true)).update();
        await().atMost(Duration.ofSeconds(5)).until(() -> members(latest(s), "llama").size() == 2);
        client.pods().inNamespace(NS).resource(pod("llama-0", "llama", "10.0.0.1", false)).update();
        await().atMost(Duration.ofSeconds(5)).until(() -> members(latest(s), "llama").equals(List.of("10.0.0.2:8000")));
        client.pods().inNamespace(NS).withName("llama-1").delete();
        await().atMost(Duration.ofSeconds(5)).until(() -> members(latest(s), "llama").isEmpty());

        int builds = applied.size();
        client.pods().inNamespace(NS).resource(pod("other-0", "other", "10.0.9.9", true)
                .edit().editMetadata().addToAnnotations("touched", "1").endMetadata().build()).update();
        Thread.sleep(300);
        assertThat(applied).as("a change the configuration does not read builds nothing").hasSize(builds);
    }

    @Test
    void aRotatedSecretIsWrittenToItsFileInPlace() throws Exception {
        client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("openai")
                .endMetadata().addToData("apiKey", b64("sk-first")).build()).create();
        apply("""
                apiVersion: gateway.envoyproxy.io/v1alpha1
                kind: Backend
                metadata: {name: openai, namespace: default}
                spec: {endpoints: [{fqdn: {hostname: api.openai.com, port: 443}}]}
                """);
        apply("""
                apiVersion: aigateway.envoyproxy.io/v1alpha1
                kind: AIServiceBackend
                metadata: {name: openai, namespace: default}
                spec: {schema: {name: OpenAI}, backendRef: {name: openai}}
                """);
        apply("""
                apiVersion: aigateway.envoyproxy.io/v1alpha1
                kind: BackendSecurityPolicy
                metadata: {name: openai-key, namespace: default}
                spec:
                  targetRefs: [{name: openai}]
                  type: APIKey
                  apiKey: {secretRef: {name: openai}}
                """);
        ClusterConfigSource s = start("a");
        var file = latest(s).backends().get(0).security().apiKey().file();
        assertThat(Files.readString(file)).isEqualTo("sk-first");
        int builds = applied.size();

        client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("openai")
                .endMetadata().addToData("apiKey", b64("sk-second")).build()).update();
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.readString(file).equals("sk-second"));
        assertThat(applied).as("rotated in place, not rebuilt").hasSize(builds);
    }

    @Test
    void aBadResourceGetsAFalseConditionAndTheRestIsServed() throws Exception {
        client.pods().inNamespace(NS).resource(pod("llama-0", "llama", "10.0.0.1", true)).create();
        apply(pool("llama", "llama", 8000));
        apply(ROUTE);
        apply(pool("broken", "x", 8000).replace("targetPorts: [{number: 8000}]", "targetPorts: []"));
        ClusterConfigSource s = start("a");
        assertThat(latest(s).routeNames()).containsExactly("chat");
        await().atMost(Duration.ofSeconds(10)).until(s::leading);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            Map<String, Object> broken = status("broken");
            assertThat(condition(broken, "Accepted")).containsEntry("status", "False")
                    .containsEntry("reason", "NotSupportedByParent");
            assertThat((String) condition(broken, "Accepted").get("message")).contains("expected 1 to 8 ports, got 0");
            assertThat(condition(status("llama"), "Accepted")).containsEntry("status", "True")
                    .containsEntry("reason", "Accepted");
        });

        apply(pool("broken", "x", 8000));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(condition(status("broken"), "Accepted")).containsEntry("status", "True"));
    }

    @Test
    void whenTheLeaderStopsAnotherReplicaTakesTheLeaseAndWritesStatus() throws Exception {
        apply(pool("llama", "llama", 8000));
        ClusterConfigSource a = start("a");
        await().atMost(Duration.ofSeconds(10)).until(a::leading);
        ClusterConfigSource b = start("b");
        Thread.sleep(500);
        assertThat(b.leading()).as("one leader at a time").isFalse();

        a.close();
        sources.remove(a);
        await().atMost(Duration.ofSeconds(10)).until(b::leading);
        apply(pool("late", "late", 8000).replace("targetPorts: [{number: 8000}]", "targetPorts: []"));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(condition(status("late"), "Accepted")).containsEntry("status", "False"));
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> status(String pool) {
        var r = client.genericKubernetesResources(WatchedKind.CONFIGURATION.get(0).context()).inNamespace(NS)
                .withName(pool).get();
        return (Map<String, Object>) r.getAdditionalProperties().get("status");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> condition(Map<String, Object> status, String type) {
        assertThat(status).as("status").isNotNull();
        var parents = (List<Map<String, Object>>) status.get("parents");
        var conditions = (List<Map<String, Object>>) parents.get(0).get("conditions");
        return conditions.stream().filter(c -> type.equals(c.get("type"))).findFirst().orElseThrow();
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
