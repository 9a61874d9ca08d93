package dev.switchboard.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.gateway.RawHttp;
import dev.switchboard.gateway.ScriptedUpstream;
import dev.switchboard.gateway.TestConfigs;
import dev.switchboard.gateway.server.GatewayServer;
import dev.switchboard.providers.ClientApi;
import dev.switchboard.providers.govern.RequestDocument;
import dev.switchboard.testing.RedisServerProcess;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Governance against peers that do not behave: a client that leaves while its reservation waits on a slow Redis, a
 * client that stops reading a guarded stream for longer than the stream-idle timeout, a guarded body that arrives
 * one byte per packet with a second request pipelined behind it. Nothing may be charged twice or sent twice, and
 * no timer may fire on the wrong party.
 */
class GovernanceHostilePeersIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String EMAIL = "ana.perez@example.com";
    @TempDir
    static Path dir;
    static RedisServerProcess redis;
    static ScriptedUpstream upstream;
    static GatewayServer gateway;
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(RedisServerProcess.installed(), "redis-server is not installed (apt-get install -y redis-server)");
        redis = RedisServerProcess.start();
        upstream = new ScriptedUpstream();
        String yaml = TestConfigs.of(TestConfigs.gateway(""), """
                apiVersion: aigateway.envoyproxy.io/v1alpha1
                kind: AIGatewayRoute
                metadata: {name: chat}
                spec:
                  rules:
                  - matches: [{headers: [{name: x-ai-eg-model, value: guarded}]}]
                    streamIdleTimeout: 300ms
                    backendRefs: [{name: up}]
                ---
                apiVersion: aigateway.envoyproxy.io/v1alpha1
                kind: AIGatewayRoute
                metadata: {name: metered}
                spec:
                  rules:
                  - matches: [{headers: [{name: x-ai-eg-model, value: metered}]}]
                    backendRefs: [{name: up}]
                """, TestConfigs.backend("up", upstream.port()), """
                apiVersion: switchboard.dev/v1alpha1
                kind: Guardrail
                metadata: {name: chat-guardrails}
                spec:
                  targetRefs: [{name: chat}]
                  responseWindow: 200
                  steps:
                  - {name: pii, type: pii, action: redact, kinds: [email]}
                  - name: topics
                    type: patterns
                    action: block
                    phrases: [{id: codename, phrase: "project bluebird"}]
                ---
                apiVersion: switchboard.dev/v1alpha1
                kind: PriceTable
                metadata: {name: prices}
                spec:
                  models:
                  - {name: metered, input: "1000", output: "1000"}
                ---
                apiVersion: switchboard.dev/v1alpha1
                kind: RateLimitPolicy
                metadata: {name: limits}
                spec:
                  models:
                  - {name: metered, budget: {amount: "0.5", period: 1d}}
                  store:
                    redis: {host: 127.0.0.1, port: %d, commandTimeout: 5s, keyPrefix: "hostile:"}
                """.formatted(redis.port));
        gateway = GatewayServer.start(ConfigLoader.parse(yaml, "hostile.yaml", dir), 1);
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void clear() {
        upstream.clear();
    }

    /**
     * A $0.50 budget at $1,000 per million tokens is 500 tokens, and each answer's bound is clamped to what is left
     * after its prompt: the clamp reads what was charged before it. Redis paused for writes holds every
     * reservation (an EVALSHA) for 1.5 s, under the 5 s command timeout: a slow store, not a dead one.
     */
    @Test
    void aClientThatLeavesWhileItsReservationWaitsOnRedisIsChargedNothingAndNothingIsSent() throws Exception {
        String body = """
                {"model":"metered","max_tokens":100000,"messages":[{"role":"user","content":"count to ten"}]}""";
        int prompt = (int) RequestDocument.parse(ClientApi.OPENAI_CHAT, body.getBytes(StandardCharsets.UTF_8))
                .promptTokens();
        upstream.reply(ScriptedUpstream.Reply.json(200, GovernanceIT.completion("1 2 3", prompt, 1)));
        long scripts = scriptCalls();
        long clamp1 = clamp(post(body));
        upstream.next();
        settled(scripts + 2); // its reservation and its settlement ran, before Redis is paused

        // a client that waits is served once Redis takes writes again
        assertThat(redis.command("CLIENT PAUSE 1500 WRITE")).startsWith("+OK");
        upstream.reply(ScriptedUpstream.Reply.json(200, GovernanceIT.completion("1 2 3", prompt, 1)));
        long t0 = System.nanoTime();
        HttpResponse<String> waited = post(body);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("the reservation waited for Redis")
                .isGreaterThan(Duration.ofMillis(1000));
        long clamp2 = clamp(waited);
        assertThat(clamp1 - clamp2).as("the first answer was charged its usage").isEqualTo(prompt + 1);
        upstream.next();
        settled(scripts + 4);

        // a client that leaves while its reservation is in flight
        assertThat(redis.command("CLIENT PAUSE 1500 WRITE")).startsWith("+OK");
        try (RawHttp leaving = new RawHttp(gateway.port(), 5000)) {
            leaving.send(RawHttp.post("/v1/chat/completions", body));
            Thread.sleep(300);
        }
        assertThat(upstream.poll(2500)).as("the request of a client that left is not sent").isNull();

        upstream.reply(ScriptedUpstream.Reply.json(200, GovernanceIT.completion("1 2 3", prompt, 1)));
        long clamp3 = clamp(post(body));
        assertThat(clamp2 - clamp3).as("only the second answer was charged; the reservation of the one whose client"
                + " left was given back").isEqualTo(prompt + 1);
        upstream.next();
    }

    /**
     * ~8 MB of guarded text, more than the sockets' buffers hold (the gateway sends the text of the window in fewer
     * chunks than it came in): while the client does not read, the gateway
     * stops reading the upstream, which is then held back, not silent. The 300 ms stream-idle timer must not fire,
     * the redaction must still land on the address split across two chunks, and the upstream is asked once.
     */
    @Test
    void aClientThatStopsReadingAGuardedStreamGetsAllOfItRedactedAndTheIdleTimerDoesNotFire() throws Exception {
        String filler = "The quick brown fox jumps over the lazy dog, and then it rests for a while in the sun. "
                .repeat(4);
        List<String> events = new ArrayList<>();
        StringBuilder said = new StringBuilder();
        for (int i = 0; i < 24_000; i++) {
            String[] parts = i % 1000 == 500 ? new String[] {"Write to ana.pe", "rez@example.com today. "}
                    : new String[] {filler};
            for (String p : parts) {
                events.add(GovernanceIT.chunk(p));
                said.append(p);
            }
        }
        events.add(GovernanceIT.STOP);
        events.add("data: [DONE]\n\n");
        upstream.reply(ScriptedUpstream.Reply.sse(events));
        String body = """
                {"model":"guarded","stream":true,"messages":[{"role":"user","content":"tell me a long story"}]}""";
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096);
            socket.setSoTimeout(30_000);
            socket.connect(new InetSocketAddress("127.0.0.1", gateway.port()));
            OutputStream out = socket.getOutputStream();
            out.write(RawHttp.post("/v1/chat/completions", body, "connection: close")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.write(in.readNBytes(1024));
            long maxPending = 0;
            for (int i = 0; i < 40; i++) { // 2 s without reading: more than six idle timeouts
                Thread.sleep(50);
                maxPending = Math.max(maxPending, gateway.pendingClientBytes());
            }
            in.transferTo(all);
            String raw = all.toString(StandardCharsets.UTF_8);
            assertThat(raw).startsWith("HTTP/1.1 200");
            assertThat(maxPending).as("bytes queued for the stalled client").isLessThan(1024 * 1024);
            String sse = RawHttp.dechunk(raw.substring(raw.indexOf("\r\n\r\n") + 4));
            assertThat(sse).doesNotContain("\"error\"").endsWith("data: [DONE]\n\n");
            StringBuilder text = new StringBuilder();
            for (String line : sse.split("\n")) {
                if (line.startsWith("data: {")) {
                    JSON.readTree(line.substring(6)).path("choices").forEach(c -> text.append(
                            c.path("delta").path("content").asText("")));
                }
            }
            assertThat(text.toString()).isEqualTo(said.toString().replace(EMAIL, "[REDACTED:EMAIL]"));
        }
        upstream.next();
        assertThat(upstream.poll(500)).as("the upstream was asked once").isNull();
    }

    /**
     * A guarded request one byte per packet, and a second one pipelined behind it in the same way: the first is
     * redacted and sent, the second is blocked by its topic, and both are answered, in order.
     */
    @Test
    void aGuardedBodyInOneByteChunksWithASecondPipelinedBehindItIsJudgedWhole() throws Exception {
        upstream.reply(ScriptedUpstream.Reply.json(200, GovernanceIT.completion("noted", 9, 1)));
        String first = RawHttp.post("/v1/chat/completions", """
                {"model":"guarded","messages":[{"role":"user","content":"Please write to %s today."}]}""".formatted(EMAIL));
        String second = RawHttp.post("/v1/chat/completions", """
                {"model":"guarded","messages":[{"role":"user","content":"Tell me about Project Bluebird."}]}""");
        try (RawHttp client = new RawHttp(gateway.port(), 10_000)) {
            client.sendByteByByte(first + second);
            RawHttp.Response a = client.read();
            RawHttp.Response b = client.read();
            assertThat(a.status()).isEqualTo(200);
            assertThat(JSON.readTree(a.body()).path("choices").path(0).path("message").path("content").asText())
                    .isEqualTo("noted");
            assertThat(b.status()).isEqualTo(400);
            JsonNode error = JSON.readTree(b.body()).path("error");
            assertThat(error.path("code").asText()).isEqualTo("content_blocked");
            assertThat(error.path("message").asText()).contains("codename").doesNotContainIgnoringCase("bluebird");
        }
        String sent = upstream.next().bodyText();
        assertThat(sent).doesNotContain(EMAIL).contains("Please write to [REDACTED:EMAIL] today.");
        assertThat(upstream.poll(300)).as("the blocked request was not sent").isNull();
    }

    static final java.util.regex.Pattern SCRIPT_STATS = java.util.regex.Pattern.compile(
            "cmdstat_eval(?:sha)?:calls=(\\d+),.*failed_calls=(\\d+)");

    /** Lua script runs Redis completed (EVAL and EVALSHA, NOSCRIPT refusals not counted): one per reservation and settlement. */
    static long scriptCalls() throws java.io.IOException {
        long calls = 0;
        for (String line : redis.command("INFO commandstats").split("\r\n")) {
            var m = SCRIPT_STATS.matcher(line);
            if (m.lookingAt()) {
                calls += Long.parseLong(m.group(1)) - Long.parseLong(m.group(2));
            }
        }
        return calls;
    }

    /**
     * Waits for {@code calls} script runs: a settlement is sent after the answer's last byte, so a client can ask
     * again before it reaches Redis; pausing Redis then would hold the settlement behind the next reservation.
     */
    static void settled(long calls) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> scriptCalls() >= calls);
    }

    static long clamp(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Long.parseLong(r.headers().firstValue("x-switchboard-max-tokens").orElseThrow());
    }

    static HttpResponse<String> post(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
                + "/v1/chat/completions")).header("content-type", "application/json").timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
