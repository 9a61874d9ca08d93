package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.gateway.server.GatewayServer;
import dev.switchboard.picker.kvevents.KvBlockIndex;
import dev.switchboard.picker.kvevents.KvEventSubscriber;
import dev.switchboard.picker.kvevents.SimulatorPromptTokens;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.engine.EngineConfig;
import dev.switchboard.sim.engine.LatencyProfile;
import dev.switchboard.sim.server.SimServer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Precise prefix state end to end: simulated servers publish their KV-cache events on ZMQ as vLLM does, the
 * gateway's precise-prefix-cache-scorer subscribes, and routing follows what each server really holds: a prefix
 * the server evicted stops counting, and one a server cached without the gateway's knowing starts to.
 */
class PreciseKvEventsIT {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();
    /** 512 blocks of 16 tokens: 8,192 tokens of cache, so a few long prompts evict the first. */
    static final LatencyProfile SMALL_CACHE = LatencyProfile.H100_8B.withKv(512, 16);

    @Test
    void anEvictedPrefixNoLongerCountsAndAPrefixCachedElsewhereDoes() throws Exception {
        int zmqPort;
        try (ServerSocket s = new ServerSocket(0)) {
            zmqPort = s.getLocalPort();
        }
        String zmq = "tcp://127.0.0.1:" + zmqPort;
        try (SimServer sims = smallCacheSims()) {
            String yaml = poolGateway("""
                    apiVersion: llm-d.ai/v1alpha1
                    kind: EndpointPickerConfig
                    metadata: {name: picker}
                    plugins:
                    - type: precise-prefix-cache-scorer
                      parameters: {kvEventsConfig: {zmqEndpoint: "%s"}}
                    - type: max-score-picker
                    schedulingProfiles:
                    - name: default
                      plugins:
                      - {pluginRef: precise-prefix-cache-scorer}
                      - {pluginRef: max-score-picker}
                    """.formatted(zmq), sims);
            try (GatewayServer gateway = GatewayServer.start(ConfigLoader.parse(yaml, "precise.yaml"), 1)) {
                sims.publishKvEvents(zmq);
                KvEventSubscriber subscriber = KvEventSubscriber.shared(zmq, "kv@", 16);
                KvBlockIndex index = subscriber.index();
                String[] servers = {"127.0.0.1:" + sims.addresses().get(0).getPort(),
                        "127.0.0.1:" + sims.addresses().get(1).getPort()};

                String messages = messages("the harbour master's log for the night of the storm", 150);
                long[] chain = index.chain(SimulatorPromptTokens.ids(messages), 256);
                assertThat(chain.length).as("a prompt of several full blocks").isGreaterThan(20);

                // 1. the gateway sends the prompt somewhere; that server's events say it holds every full block
                int home = served(gateway.port(), messages);
                int homeIdx = home == sims.addresses().get(0).getPort() ? 0 : 1;
                int other = 1 - homeIdx;
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                        assertThat(index.matched(servers[homeIdx], chain)).isEqualTo(chain.length));
                assertThat(index.matched(servers[other], chain)).isZero();
                // and the same prompt goes back to it
                assertThat(served(gateway.port(), messages)).isEqualTo(home);

                // 2. other prompts sent straight to the home server fill its small cache: it evicts ours, says so
                for (int i = 0; i < 40; i++) {
                    direct(sims.addresses().get(homeIdx).getPort(), messages("filler number " + i + " about the tides and the wind that night", 150));
                }
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                        assertThat(index.matched(servers[homeIdx], chain)).as("evicted, so not scored as cached")
                                .isLessThan(chain.length / 2));
                assertThat(subscriber.messages()).isPositive();
                assertThat(index.removed()).isPositive();

                // 3. the other server caches the prompt without the gateway knowing (sent there directly); the
                // gateway's next pick follows the events, where an index of its own sends would pick the old home
                JsonNode usage = direct(sims.addresses().get(other).getPort(), messages);
                assertThat(usage.path("prompt_tokens_details").path("cached_tokens").asInt()).isZero();
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                        assertThat(index.matched(servers[other], chain)).as("messages %d, gaps %d, blocks there %d, "
                                + "skipped %d", subscriber.messages(), subscriber.gaps(), index.blocks(servers[other]),
                                index.skipped()).isEqualTo(chain.length));
                assertThat(served(gateway.port(), messages)).as("routed to where the prefix is now")
                        .isEqualTo(sims.addresses().get(other).getPort());
                assertThat(subscriber.rejected()).isZero();

                // what the admin port shows: messages per address, blocks per publishing server
                HttpResponse<String> metrics = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + gateway.adminPort() + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(metrics.body()).contains("switchboard_kv_event_messages_total{address=\"" + zmq + "\"} ")
                        .contains("switchboard_kv_event_rejected_messages_total{address=\"" + zmq + "\"} 0.0")
                        .containsPattern("switchboard_kv_event_blocks\\{address=\"" + java.util.regex.Pattern.quote(zmq)
                                + "\",endpoint=\"" + servers[other] + "\"} [1-9]");
            }
        }
    }

    /** Two simulated servers of {@link #SMALL_CACHE} in instant time. */
    static SimServer smallCacheSims() throws InterruptedException {
        return SimServer.start(SimConfig.defaults().withEndpoints(0, 2)
                .withEngine(EngineConfig.defaults().withLimits(256, 2048, 1024, 1, 8_192)
                        .withProfile(SMALL_CACHE).withTimeScale(0)));
    }

    /** A gateway in front of {@code sims} whose pool is picked by {@code pickerConfig}, a config named "picker". */
    static String poolGateway(String pickerConfig, SimServer sims) {
        return TestConfigs.pool("{kind: EndpointPickerConfig, name: picker}", sims.endpointsYaml("sim"), pickerConfig);
    }

    /** The {@code messages} JSON of a system prompt and a question, {@code words} words each side. */
    static String messages(String topic, int words) {
        return "[{\"role\":\"system\",\"content\":\"" + (topic + " ").repeat(words / 3).trim() + "\"},"
                + "{\"role\":\"user\",\"content\":\"what happened next?\"}]";
    }

    /** Sends through the gateway; returns the port of the server that answered. */
    static int served(int gatewayPort, String messages) throws Exception {
        HttpResponse<String> r = post(gatewayPort, messages);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Integer.parseInt(r.headers().firstValue("x-inference-port").orElseThrow());
    }

    /** Sends straight to a server; returns the response's usage. */
    static JsonNode direct(int serverPort, String messages) throws Exception {
        HttpResponse<String> r = post(serverPort, messages);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("usage");
    }

    static HttpResponse<String> post(int port, String messages) throws Exception {
        String body = "{\"model\":\"" + SimConfig.DEFAULT_MODEL + "\",\"max_tokens\":4,\"messages\":" + messages + "}";
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
