package dev.switchboard.gateway.share;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.gateway.server.GatewayServer;
import dev.switchboard.picker.pool.SharedPoolState;
import dev.switchboard.redis.share.RedisSharedState;
import dev.switchboard.redis.share.ShareUri;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.engine.EngineConfig;
import dev.switchboard.sim.server.SimServer;
import dev.switchboard.testing.RedisServerProcess;
import dev.switchboard.transport.Transport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two gateway replicas in front of one simulated pool, a round-robin client, and a real redis-server between the
 * replicas: with --share-state the second replica sends a prefix where the first warmed it (the simulator reports
 * the hit as cached_tokens); without, it does not reliably; Redis killed under traffic fails no request, and
 * sharing resumes when it is back.
 */
class SharedStateIT {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Distinct system prompts, each sent once to each replica; about 500 tokens each. */
    static final int PROMPTS = 16;

    SimServer sims;
    RedisServerProcess redis;
    final List<GatewayServer> gateways = new ArrayList<>();
    final List<SharedPoolState> sharing = new ArrayList<>();
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** One answer: its status, the simulator port that served it, and the prompt tokens it found cached. */
    record Answer(int status, String port, long cached) {}

    @BeforeEach
    void start() throws Exception {
        assumeTrue(RedisServerProcess.installed(), "redis-server is not installed (apt-get install -y redis-server)");
        redis = RedisServerProcess.start();
        // time scale 0: the engine's steps take no time, but its prefix cache works as in real time
        sims = SimServer.start(SimConfig.defaults().withEndpoints(0, 4).withEngine(EngineConfig.defaults()
                .withTimeScale(0)));
    }

    @AfterEach
    void stop() throws Exception {
        gateways.forEach(GatewayServer::close);
        if (sims != null) {
            sims.close();
        }
        if (redis != null) {
            redis.kill();
        }
    }

    void startReplicas(boolean share) throws Exception {
        String members = sims.endpointsYaml("sim");
        String yaml = """
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
                  - matches: [{headers: [{name: x-ai-eg-model, value: %s}]}]
                    backendRefs: [{name: sims, kind: InferencePool, group: inference.networking.k8s.io}]
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: sims}
                spec:
                  selector: {matchLabels: {app: sim}}
                  targetPorts: [{number: 8000}]
                ---
                apiVersion: switchboard.dev/v1alpha1
                kind: Endpoints
                metadata: {name: members}
                spec:
                  endpoints:
                %s""".formatted(SimConfig.DEFAULT_MODEL, members);
        for (int i = 0; i < 2; i++) {
            SharedPoolState s = share ? RedisSharedState.create(new ShareUri("127.0.0.1", redis.port, false,
                    "it"), name -> null) : SharedPoolState.NONE; // no password
            sharing.add(s);
            gateways.add(GatewayServer.start(ConfigLoader.parse(yaml, "replicas.yaml"), 1, Transport.best(), s));
        }
        if (share) {
            awaitConnected();
        }
    }

    void awaitConnected() {
        // a cold JVM's first Lettuce connections (class loading, event loops) take seconds on a busy 2-core machine
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> sharing.stream().allMatch(s ->
                s.stats().connected() && s.stats().peers() == 1));
    }

    /**
     * Prompt {@code n}'s system message. The number comes first: prompts that shared their first block (64
     * characters, the JSON of the messages included) would all follow that block to one endpoint on both replicas,
     * shared or not.
     */
    static String system(int n) {
        return "Shop " + n + ": " + "you are the support assistant of this shop; answer politely and briefly. "
                .repeat(25);
    }

    Answer chat(GatewayServer gateway, String system, String question) {
        String body = """
                {"model":"%s","max_tokens":2,"messages":[{"role":"system","content":"%s"},{"role":"user","content":"%s"}]}"""
                .formatted(SimConfig.DEFAULT_MODEL, system, question);
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
                    + "/v1/chat/completions")).timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode usage = r.statusCode() == 200 ? JSON.readTree(r.body()).path("usage") : JSON.nullNode();
            return new Answer(r.statusCode(), r.headers().firstValue("x-inference-port").orElse("?"),
                    usage.path("prompt_tokens_details").path("cached_tokens").asLong(0));
        } catch (Exception e) {
            return new Answer(-1, e.toString(), 0);
        }
    }

    /**
     * Each prompt to replica one, then (once replica two has applied that record, when sharing) to replica two;
     * returns how many of replica two's answers came from the endpoint replica one warmed and found the prompt
     * cached there.
     */
    int followed(int from, int prompts) {
        int hits = 0;
        for (int n = from; n < from + prompts; n++) {
            long applied = sharing.get(1).stats() == null ? 0 : sharing.get(1).stats().recordsApplied();
            Answer first = chat(gateways.get(0), system(n), "first question");
            assertThat(first.status()).isEqualTo(200);
            if (sharing.get(1).stats() != null) {
                Awaitility.await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(2))
                        .until(() -> sharing.get(1).stats().recordsApplied() > applied);
            }
            Answer second = chat(gateways.get(1), system(n), "second question");
            assertThat(second.status()).isEqualTo(200);
            if (second.port().equals(first.port()) && second.cached() >= 400) {
                hits++;
            }
        }
        return hits;
    }

    @Test
    void withSharingTheSecondReplicaSendsAPrefixWhereTheFirstWarmedIt() throws Exception {
        startReplicas(true);

        assertThat(followed(0, PROMPTS)).isEqualTo(PROMPTS);
    }

    @Test
    void withoutSharingTheSecondReplicaDoesNotReliablyFindTheWarmedEndpoint() throws Exception {
        startReplicas(false);

        // four endpoints and nothing known: each prompt lands on the warmed one a quarter of the time
        // (11 or more of 16 by chance: p < 0.0001)
        assertThat(followed(0, PROMPTS)).isLessThanOrEqualTo(10);
    }

    @Test
    void redisKilledUnderTrafficFailsNoRequestAndSharingResumesWhenItReturns() throws Exception {
        startReplicas(true);
        AtomicBoolean running = new AtomicBoolean(true);
        ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            int client = c;
            clients.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; running.get(); i++) { // round-robin over the replicas, as a Service would
                    answers.add(chat(gateways.get((client + i) % 2), system(1000 + i % 8), "q " + i));
                }
            }));
        }
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> answers.size() >= 100);
        redis.kill();
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> sharing.stream().noneMatch(s ->
                s.stats().connected()));
        int atKill = answers.size();
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> answers.size() >= atKill + 100);
        redis.startAgain();
        awaitConnected();
        int atRestart = answers.size();
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> answers.size() >= atRestart + 100);
        running.set(false);
        for (Thread t : clients) {
            t.join();
        }

        assertThat(answers).allSatisfy(a -> assertThat(a.status()).as(a.port()).isEqualTo(200));
        assertThat(followed(2000, 8)).as("sharing resumed").isEqualTo(8);
    }
}
