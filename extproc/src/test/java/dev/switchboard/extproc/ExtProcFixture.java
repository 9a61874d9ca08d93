package dev.switchboard.extproc;

import static org.awaitility.Awaitility.await;

import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.picker.pool.InferencePool;
import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.engine.EngineConfig;
import dev.switchboard.sim.server.SimServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * An ext_proc server over several pools, for one test class: {@code loaded} (an idle and a busy endpoint whose
 * metrics the test sets), {@code saturated} (one overloaded endpoint, and a sheddable objective), {@code lora} (two
 * equal endpoints, one running the adapter food-review), {@code sims} (two real simulators, an alias rewritten to
 * their model) and {@code empty}. A stream chooses its pool by the call's {@code x-switchboard-pool} metadata.
 */
final class ExtProcFixture implements AutoCloseable {
    /** The alias InferenceModelRewrite sends to the simulators' model. */
    static final String ALIAS = "chat-alias";
    static final String MODEL = SimConfig.DEFAULT_MODEL;

    final MetricsEndpoint idle;
    final MetricsEndpoint busy;
    final MetricsEndpoint overloaded;
    final MetricsEndpoint withAdapter;
    final MetricsEndpoint withoutAdapter;
    final SimServer sims;
    final ExtProcServer server;
    final FakeEnvoy envoy;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /** The configuration the server started with. */
    final String yaml;

    private ExtProcFixture(ExtProcSettings settings, String extraYaml, Path baseDir) throws Exception {
        idle = MetricsEndpoint.start(0, 1, 0.05);
        busy = MetricsEndpoint.start(20, 12, 0.95);
        overloaded = MetricsEndpoint.start(50, 30, 0.99);
        withAdapter = MetricsEndpoint.start(1, 1, 0.2);
        withAdapter.runningAdapters = "food-review";
        withoutAdapter = MetricsEndpoint.start(1, 1, 0.2);
        withoutAdapter.runningAdapters = "other-adapter";
        sims = SimServer.start(SimConfig.defaults().withEndpoints(0, 2)
                .withEngine(EngineConfig.defaults().withTimeScale(0)));
        StringBuilder members = new StringBuilder();
        member(members, busy.port(), "loaded");
        member(members, idle.port(), "loaded");
        member(members, overloaded.port(), "saturated");
        member(members, withoutAdapter.port(), "lora");
        member(members, withAdapter.port(), "lora");
        for (var a : sims.addresses()) {
            member(members, a.getPort(), "sims");
        }
        String yaml = pool("loaded", null) + pool("saturated", null) + pool("lora", "lora-first") + pool("sims", null)
                + pool("empty", null) + """
                apiVersion: llm-d.ai/v1alpha2
                kind: InferenceObjective
                metadata: {name: batch}
                spec: {priority: -1, poolRef: {name: saturated}}
                ---
                apiVersion: llm-d.ai/v1alpha2
                kind: InferenceModelRewrite
                metadata: {name: alias}
                spec:
                  poolRef: {name: sims}
                  rules:
                  - matches: [{model: {type: Exact, value: %s}}]
                    targets: [{modelRewrite: %s}]
                ---
                apiVersion: llm-d.ai/v1alpha1
                kind: EndpointPickerConfig
                metadata: {name: lora-first}
                plugins: [{type: lora-affinity-scorer}, {type: max-score-picker}]
                schedulingProfiles: [{name: default, plugins: [{pluginRef: lora-affinity-scorer}, {pluginRef: max-score-picker}]}]
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: base-llama-adapters}
                data:
                  baseModel: base-llama
                  adapters: |
                    - food-review
                ---
                apiVersion: switchboard.dev/v1alpha1
                kind: Endpoints
                metadata: {name: members}
                spec:
                  endpoints:
                %s""".formatted(ALIAS, MODEL, members) + (extraYaml.isEmpty() ? "" : "---\n" + extraYaml);
        this.yaml = yaml;
        server = ExtProcServer.start(settings, baseDir == null ? ConfigLoader.parse(yaml, "extproc.yaml")
                : ConfigLoader.parse(yaml, "extproc.yaml", baseDir));
        envoy = new FakeEnvoy(server.port());
        for (String pool : List.of("loaded", "saturated", "lora", "sims")) {
            InferencePool p = server.pools().get(pool);
            await().atMost(Duration.ofSeconds(10)).until(() -> !p.states().isEmpty()
                    && p.states().stream().allMatch(EndpointState::fresh));
        }
    }

    /** The server on free loopback ports, with these settings changed from the defaults. */
    static ExtProcFixture start(UnaryOperator<ExtProcSettings> settings) throws Exception {
        return new ExtProcFixture(settings.apply(ExtProcSettings.defaults(0, 0).withHost("127.0.0.1")), "", null);
    }

    /**
     * The server with the default settings and these documents added to the file; relative paths in them (a key
     * file) are read from {@code baseDir}.
     */
    static ExtProcFixture startWith(String extraYaml, Path baseDir) throws Exception {
        return new ExtProcFixture(ExtProcSettings.defaults(0, 0).withHost("127.0.0.1"), extraYaml, baseDir);
    }

    static ExtProcFixture start() throws Exception {
        return start(s -> s);
    }

    private static String pool(String name, String picker) {
        return """
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: %s}
                spec:
                  selector: {matchLabels: {app: %s}}
                  targetPorts: [{number: 8000}]
                %s---
                """.formatted(name, name,
                picker == null ? "" : "  endpointPickerRef: {kind: EndpointPickerConfig, name: " + picker + "}\n");
    }

    private static void member(StringBuilder members, int port, String app) {
        members.append("  - {address: 127.0.0.1, port: ").append(port).append(", labels: {app: ").append(app)
                .append("}}\n");
    }

    /** The simulators' addresses, {@code 127.0.0.1:port}. */
    List<String> simAddresses() {
        List<String> out = new ArrayList<>();
        sims.addresses().forEach(a -> out.add("127.0.0.1:" + a.getPort()));
        return out;
    }

    /** Requests this process counts in flight on {@code address} of {@code pool}. */
    int inFlight(String pool, String address) {
        return server.pools().get(pool).states().stream().filter(s -> s.endpoint().address().equals(address))
                .mapToInt(EndpointState::inFlightRequests).sum();
    }

    /** Does what Envoy does after the pick: sends the forwarded body to the first destination, returns the response. */
    HttpResponse<byte[]> upstream(FakeEnvoy.Forwarded f, String path) throws Exception {
        String to = f.destination().split(",")[0];
        return http.send(HttpRequest.newBuilder(URI.create("http://" + to + path)).timeout(Duration.ofSeconds(20))
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(f.body())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The admin port's /metrics page. */
    String metrics() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.adminPort() + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).body();
    }

    static byte[] chat(String model, String content) {
        return ("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + content
                + "\"}],\"max_tokens\":4}").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws Exception {
        envoy.close();
        server.close();
        sims.close();
        for (MetricsEndpoint m : List.of(idle, busy, overloaded, withAdapter, withoutAdapter)) {
            m.close();
        }
    }
}
