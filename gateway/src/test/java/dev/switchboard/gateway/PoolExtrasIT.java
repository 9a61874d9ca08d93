package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.picker.pool.InferencePool;
import dev.switchboard.gateway.server.GatewayServer;
import dev.switchboard.gateway.server.RuntimeConfig;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.engine.EngineConfig;
import dev.switchboard.sim.server.SimServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * InferencePool extras through the gateway, against simulated endpoints on loopback: InferenceModelRewrite traffic
 * splits and the rewrite header; session affinity from a pool's EndpointPickerConfig.
 */
class PoolExtrasIT {
    static final String BASE = "base-8b";
    static final Pattern MODEL = Pattern.compile("\"model\"\\s*:\\s*\"([^\"]*)\"");

    /** Serve the base model and two LoRA adapters, no modelled latency. */
    static SimServer reviewSims;
    /** Real-time engines, so load (running requests) builds up and shows in their metrics. */
    static SimServer stickySims;
    static GatewayServer gateway;
    static String yaml;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        reviewSims = SimServer.start(SimConfig.defaults().withEndpoints(0, 2)
                .withModel(BASE, List.of("food-review-v1", "food-review-v2"))
                .withEngine(EngineConfig.defaults().withTimeScale(0).withLimits(256, 2048, 1024, 2, 16_384)));
        stickySims = SimServer.start(SimConfig.defaults().withEndpoints(0, 2));
        String members = reviewSims.endpointsYaml("reviews") + stickySims.endpointsYaml("chat");
        yaml = """
                apiVersion: switchboard.dev/v1alpha1
                kind: Gateway
                metadata: {name: gw}
                spec: {listen: {port: 0}, admin: {port: 0}}
                ---
                apiVersion: aigateway.envoyproxy.io/v1beta1
                kind: AIGatewayRoute
                metadata: {name: main}
                spec:
                  rules:
                  - matches:
                    - headers: [{name: x-ai-eg-model, value: food-review}]
                    - headers: [{name: x-ai-eg-model, value: %1$s}]
                    backendRefs: [{name: reviews, kind: InferencePool}]
                  - matches: [{headers: [{name: x-ai-eg-model, value: reviews-alias}]}]
                    backendRefs: [{name: reviews, kind: InferencePool, modelNameOverride: food-review}]
                  - matches: [{headers: [{name: x-ai-eg-model, value: reviews-behind-epp}]}]
                    backendRefs: [{name: reviews, kind: InferencePool, modelNameOverride: food-review,
                                   honorModelRewriteHeader: true}]
                  - matches: [{headers: [{name: x-ai-eg-model, value: %2$s}]}]
                    backendRefs: [{name: chat, kind: InferencePool}]
                  - matches: [{headers: [{name: x-ai-eg-model, value: plain}]}]
                    backendRefs: [{name: chat-default, kind: InferencePool, modelNameOverride: %2$s}]
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: reviews}
                spec:
                  selector: {matchLabels: {app: reviews}}
                  targetPorts: [{number: 8000}]
                ---
                apiVersion: llm-d.ai/v1alpha2
                kind: InferenceModelRewrite
                metadata: {name: food-review-split}
                spec:
                  poolRef: {name: reviews}
                  rules:
                  - matches: [{model: {type: Exact, value: food-review}}]
                    targets:
                    - {modelRewrite: food-review-v1, weight: 90}
                    - {modelRewrite: food-review-v2, weight: 10}
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: chat}
                spec:
                  selector: {matchLabels: {app: chat}}
                  targetPorts: [{number: 8000}]
                  endpointPickerRef: {kind: EndpointPickerConfig, name: sticky-sessions}
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: chat-default}
                spec:
                  selector: {matchLabels: {app: chat}}
                  targetPorts: [{number: 8000}]
                ---
                apiVersion: llm-d.ai/v1alpha1
                kind: EndpointPickerConfig
                metadata: {name: sticky-sessions}
                plugins:
                - type: session-affinity-scorer
                - type: running-requests-size-scorer
                schedulingProfiles:
                - name: default
                  plugins:
                  - {pluginRef: session-affinity-scorer, weight: 3}
                  - {pluginRef: running-requests-size-scorer, weight: 1}
                ---
                apiVersion: switchboard.dev/v1alpha1
                kind: Endpoints
                metadata: {name: members}
                spec:
                  endpoints:
                %3$s""".formatted(BASE, SimConfig.DEFAULT_MODEL, members);
        gateway = GatewayServer.start(ConfigLoader.parse(yaml, "extras.yaml"), 1);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        reviewSims.close();
        stickySims.close();
    }

    static HttpResponse<String> chat(String model, Map<String, String> headers) throws Exception {
        String body = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"How was the soup?\"}],"
                + "\"max_tokens\":2}";
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The model the upstream served: the simulator answers with the model it was sent. */
    static String servedModel(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Matcher m = MODEL.matcher(r.body());
        assertThat(m.find()).as(r.body()).isTrue();
        return m.group(1);
    }

    static Map<String, Integer> servedModels(String model, Map<String, String> headers, int n) throws Exception {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            counts.merge(servedModel(chat(model, headers)), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void anInferenceModelRewriteSplitsAModel90To10BetweenTwoAdapters() throws Exception {
        int n = 500;
        Map<String, Integer> counts = servedModels("food-review", Map.of(), n);
        assertThat(counts).containsOnlyKeys("food-review-v1", "food-review-v2");
        // binomial(500, 0.9): standard deviation 1.3 %, so 0.85..0.95 is beyond 3.7 sigma
        assertThat(counts.get("food-review-v1") / (double) n).isBetween(0.85, 0.95);
    }

    @Test
    void theRewriteHeaderOverridesTheRulesWhereTheRouteTrustsItAndAModelWithoutARuleIsSentAsIs() throws Exception {
        Map<String, String> pinned = Map.of("x-gateway-model-name-rewrite", "food-review-v2");
        assertThat(servedModels("reviews-behind-epp", pinned, 30)).containsOnlyKeys("food-review-v2");
        // a client's header elsewhere picks nothing: the 90/10 split goes on (30 x v2 at 10 % each: p = 1e-30)
        assertThat(servedModels("food-review", pinned, 30)).containsKey("food-review-v1");
        assertThat(servedModels(BASE, Map.of(), 10)).containsOnlyKeys(BASE);
    }

    @Test
    void aModelNameOverrideIsAppliedFirstAndThenSplitByThePool() throws Exception {
        Map<String, Integer> counts = servedModels("reviews-alias", Map.of(), 60);
        assertThat(counts).containsKey("food-review-v1").doesNotContainKeys("reviews-alias", "food-review");
        assertThat(counts.keySet()).isSubsetOf("food-review-v1", "food-review-v2");
    }

    static String token(String address) {
        return Base64.getEncoder().encodeToString(address.getBytes(StandardCharsets.UTF_8));
    }

    static String port(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.headers().firstValue("x-inference-port").orElseThrow();
    }

    @Test
    void anEchoedSessionTokenKeepsRequestsOnItsEndpointAgainstTheLoad() throws Exception {
        HttpResponse<String> first = chat(SimConfig.DEFAULT_MODEL, Map.of());
        String sticky = port(first);
        String session = first.headers().firstValue("x-session-token").orElseThrow();
        assertThat(session).as("the token names the endpoint that served").isEqualTo(token("127.0.0.1:" + sticky));

        // load the session's endpoint directly: long generations that stay running while the test runs
        URI direct = URI.create("http://127.0.0.1:" + sticky + "/v1/chat/completions");
        String longBody = "{\"model\":\"" + SimConfig.DEFAULT_MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"go\"}],"
                + "\"max_tokens\":4000,\"ignore_eos\":true,\"stream\":true}";
        try (HttpClient load = HttpClient.newHttpClient()) {
            List<java.util.concurrent.CompletableFuture<?>> running = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                running.add(load.sendAsync(HttpRequest.newBuilder(direct).POST(HttpRequest.BodyPublishers.ofString(longBody))
                        .build(), HttpResponse.BodyHandlers.discarding()));
            }
            InferencePool pool = gateway.context().config().pools().get("chat");
            await().atMost(Duration.ofSeconds(10)).until(() -> pool.states().stream()
                    .anyMatch(s -> String.valueOf(s.endpoint().port()).equals(sticky) && s.running() >= 6));

            String other = port(chat(SimConfig.DEFAULT_MODEL, Map.of()));
            assertThat(other).as("without the token, load decides: the idle endpoint").isNotEqualTo(sticky);
            for (int i = 0; i < 10; i++) {
                HttpResponse<String> r = chat(SimConfig.DEFAULT_MODEL, Map.of("x-session-token", session));
                assertThat(port(r)).as("request %d with the token", i).isEqualTo(sticky);
                assertThat(r.headers().firstValue("x-session-token")).hasValue(session);
            }
            running.forEach(f -> f.cancel(true));
            load.shutdownNow();
        }
    }

    @Test
    void aPoolWhoseProfileHasNoSessionPluginAddsNoToken() throws Exception {
        HttpResponse<String> r = chat("plain", Map.of());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-session-token")).isEmpty();
        assertThat(r.headers().firstValue("x-switchboard-backend")).hasValue("chat-default");
    }

    @Test
    void anEndpointPickerConfigThatDoesNotLoadIsRejectedAtStartAndOnReload() throws Exception {
        String bad = yaml.replace("- type: running-requests-size-scorer", "- type: running-request-size-scorer");
        RuntimeConfig before = gateway.context().config();
        assertThatThrownBy(() -> gateway.reload(ConfigLoader.parse(bad, "extras.yaml")))
                .isInstanceOf(dev.switchboard.core.config.ConfigException.class)
                .hasMessageContaining("plugin type 'running-request-size-scorer' is not registered");
        assertThat(gateway.context().config()).as("the running configuration stays").isSameAs(before);

        assertThatThrownBy(() -> GatewayServer.start(ConfigLoader.parse(bad, "extras.yaml"), 1))
                .isInstanceOf(dev.switchboard.core.config.ConfigException.class)
                .hasMessageStartingWith("extras.yaml: document 7 (EndpointPickerConfig/sticky-sessions): plugins[1].type: "
                        + "plugin type 'running-request-size-scorer' is not registered");
    }
}
