package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.gateway.server.GatewayServer;
import dev.switchboard.picker.pool.InferencePool;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.engine.EngineConfig;
import dev.switchboard.sim.server.SimServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * An endpoint that slows down while traffic runs: the predicted-ttft profile learns it from the times to first
 * token it sees (no configuration, no metric names it), and sends that endpoint less.
 */
class PoolSpeedChangeIT {
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void anEndpointThatSlowsDownMidRunIsLearnedAndGetsLessTraffic() throws Exception {
        try (SimServer sims = SimServer.start(SimConfig.defaults().withEndpoints(0, 3)
                .withEngine(EngineConfig.defaults().withTimeScale(4)))) {
            String yaml = TestConfigs.pool("{name: predicted-ttft, port: {number: 9002}}", sims.endpointsYaml("sim"));
            try (GatewayServer gateway = GatewayServer.start(ConfigLoader.parse(yaml, "speed.yaml"), 1)) {
                String slow = String.valueOf(sims.addresses().get(0).getPort());
                Load load = new Load(gateway.port());
                load.start(4);
                try {
                    Thread.sleep(6_000);
                    Map<String, Integer> before = load.servedSince(0);
                    sims.engine(0).slowdown(4);
                    long changed = load.sent();
                    Thread.sleep(10_000);
                    long settled = load.sent();
                    Thread.sleep(6_000);
                    Map<String, Integer> after = load.servedSince(settled);

                    assertThat(load.failures()).as("nothing fails while the endpoint slows").isEmpty();
                    double shareBefore = share(before, slow);
                    double shareAfter = share(after, slow);
                    assertThat(shareBefore).as("a pool of equals: about a third each, %s", before).isBetween(0.2, 0.5);
                    assertThat(shareAfter).as("4x slower: it takes less, before %s after %s (%d sent while it changed)",
                            before, after, settled - changed).isLessThan(shareBefore * 0.6);

                    InferencePool pool = gateway.context().config().pools().get("sims");
                    List<InferencePool.EndpointTtft> models = pool.ttftModels();
                    double slowRate = models.get(0).prefillRate();
                    double others = Math.min(models.get(1).prefillRate(),
                            models.get(2).prefillRate());
                    // 16 s after a 4x slowdown (1.6 half-lives) with the endpoint now sent less: most of the way;
                    // unchanged it would be about 1x
                    assertThat(slowRate).as("the learned prefill rate of the slowed endpoint: %s", models)
                            .isLessThan(others * 0.75);
                } finally {
                    load.stop();
                }
            }
        }
    }

    static double share(Map<String, Integer> served, String port) {
        int all = served.values().stream().mapToInt(Integer::intValue).sum();
        return served.getOrDefault(port, 0) / (double) Math.max(1, all);
    }

    /** Closed-loop streaming clients, each sending distinct 2,000-token prompts (no prefix to stick to). */
    static final class Load {
        final int port;
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicLong sequence = new AtomicLong();
        final List<long[]> served = new CopyOnWriteArrayList<>(); // {sequence, endpoint port}
        final List<String> failures = new CopyOnWriteArrayList<>();
        final List<Thread> threads = new CopyOnWriteArrayList<>();

        Load(int port) {
            this.port = port;
        }

        void start(int clients) {
            for (int c = 0; c < clients; c++) {
                threads.add(Thread.ofVirtual().start(this::loop));
            }
        }

        void loop() {
            while (running.get()) {
                long n = sequence.incrementAndGet();
                String prompt = ("request " + n + " asks about shipping lanes and freight tariffs. ").repeat(180);
                String body = "{\"model\":\"" + SimConfig.DEFAULT_MODEL + "\",\"stream\":true,\"max_tokens\":2,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
                try {
                    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                            .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200 || !r.body().contains("[DONE]")) {
                        failures.add(r.statusCode() + " " + r.body());
                    } else {
                        served.add(new long[] {n, Long.parseLong(r.headers().firstValue("x-inference-port").orElse("0"))});
                    }
                } catch (Exception e) {
                    if (running.get()) {
                        failures.add(e.toString());
                    }
                }
            }
        }

        long sent() {
            return sequence.get();
        }

        List<String> failures() {
            return failures;
        }

        /** Requests numbered above {@code from}, by the port that served them. */
        Map<String, Integer> servedSince(long from) {
            Map<String, Integer> by = new ConcurrentHashMap<>();
            served.stream().filter(s -> s[0] > from).forEach(s -> by.merge(String.valueOf(s[1]), 1, Integer::sum));
            return by.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join(25_000);
            }
        }
    }
}
