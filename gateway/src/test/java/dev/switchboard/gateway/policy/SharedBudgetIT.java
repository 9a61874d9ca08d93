package dev.switchboard.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.gateway.TestConfigs;
import dev.switchboard.gateway.server.GatewayServer;
import dev.switchboard.policy.usage.Price;
import dev.switchboard.providers.ClientApi;
import dev.switchboard.providers.govern.RequestDocument;
import dev.switchboard.redis.RedisRateLimiter;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.engine.EngineConfig;
import dev.switchboard.sim.server.SimServer;
import dev.switchboard.testing.RedisServerProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Two gateways sharing one model budget in a real Redis (issue 12): concurrent clients through both spend it
 * once, and a Redis killed and restarted mid-traffic costs no request and loses no local spend.
 *
 * <p>The upstream is the simulator at time scale 0 (instant answers), whose usage the test prices itself with the
 * same rounding as {@link Price#costMicros}, so "the real spend" is the test's own number, not the gateway's.
 */
class SharedBudgetIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String MODEL = SimConfig.DEFAULT_MODEL;
    /** A LoRA adapter of the simulator's model: a second model, with a budget of its own. */
    static final String OTHER = MODEL + "-b";
    /** $10 in, $40 out, $5 cached in, per million tokens: as written in the PriceTable below. */
    static final Price PRICE = new Price(10_000_000, 40_000_000, 5_000_000);
    /** The bound every client asks for: with a ~20-token prompt a reservation is ~2,200 µ$. */
    static final int MAX_TOKENS = 50;
    static final String PREFIX = "sb-it:";

    @TempDir
    static Path dir;
    static SimServer sim;

    RedisServerProcess redis;
    final List<GatewayServer> gateways = new ArrayList<>();
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startSim() throws Exception {
        sim = SimServer.start(SimConfig.defaults().withEndpoints(0, 1).withModel(MODEL, List.of(OTHER))
                .withEngine(EngineConfig.defaults().withTimeScale(0)));
    }

    @AfterAll
    static void stopSim() {
        if (sim != null) {
            sim.close();
        }
    }

    @BeforeEach
    void startRedis() throws Exception {
        assumeTrue(RedisServerProcess.installed(), "redis-server is not installed (apt-get install -y redis-server)");
        redis = RedisServerProcess.start();
    }

    @AfterEach
    void stop() throws Exception {
        gateways.forEach(GatewayServer::close);
        if (redis != null) {
            redis.close();
        }
    }

    /**
     * Two gateways from the same YAML: the simulator's two models, priced, each with a budget of {@code dollars}
     * kept in Redis, whose commands time out after {@code timeout} (a YAML duration).
     */
    void startGateways(String dollars, String timeout) throws Exception {
        String yaml = TestConfigs.of(TestConfigs.gateway(""), TestConfigs.route("""
                  - name: sim
                    matches: [{headers: [{name: x-ai-eg-model, type: Prefix, value: %s}]}]
                    backendRefs: [{name: sim}]
                """.formatted(MODEL)), TestConfigs.backend("sim", sim.addresses().get(0).getPort()), """
                apiVersion: switchboard.dev/v1alpha1
                kind: PriceTable
                metadata: {name: prices}
                spec:
                  models:
                  - {prefix: %1$s, input: "10", output: "40", cachedInput: "5"}
                ---
                apiVersion: switchboard.dev/v1alpha1
                kind: RateLimitPolicy
                metadata: {name: limits}
                spec:
                  models:
                  - {name: %1$s, budget: {amount: "%2$s", period: 1d}}
                  - {name: %3$s, budget: {amount: "%2$s", period: 1d}}
                  store:
                    redis: {host: 127.0.0.1, port: %4$d, commandTimeout: %5$s, keyPrefix: "%6$s"}
                """.formatted(MODEL, dollars, OTHER, redis.port, timeout, PREFIX));
        for (int i = 0; i < 2; i++) {
            gateways.add(GatewayServer.start(ConfigLoader.parse(yaml, "shared-budget.yaml", dir), 1));
        }
    }

    /**
     * One answer as a client saw it. {@code cost} is priced by the test from the response's usage (0 unless 200);
     * {@code reserved} is what the gateway reserved for it: its prompt estimate and the bound it granted (the
     * clamp it announced, else the client's), at the price; {@code completion} the output tokens it reported.
     */
    record Answer(int status, String code, long cost, long reserved, long granted, long completion, long started,
            long ended) {
    }

    /** Sends one chat completion with {@code max_tokens}; an I/O failure is an answer of status -1. */
    Answer send(GatewayServer gateway, String model, int n) {
        String body = """
                {"model":"%s","max_tokens":%d,"messages":[{"role":"user","content":"Tell me a fact about the number %d."}]}"""
                .formatted(model, MAX_TOKENS, n);
        long started = System.nanoTime();
        try {
            long estimate = RequestDocument.parse(ClientApi.OPENAI_CHAT, body.getBytes(StandardCharsets.UTF_8))
                    .promptTokens();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
                    + "/v1/chat/completions")).header("content-type", "application/json")
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            long ended = System.nanoTime();
            JsonNode json = JSON.readTree(r.body());
            long granted = Long.parseLong(r.headers().firstValue("x-switchboard-max-tokens")
                    .orElse(Integer.toString(MAX_TOKENS)));
            long cost = 0;
            long completion = 0;
            if (r.statusCode() == 200) {
                JsonNode u = json.path("usage");
                assertThat(u.has("prompt_tokens") && u.has("completion_tokens")).as("usage in %s", r.body()).isTrue();
                completion = u.path("completion_tokens").asLong();
                cost = PRICE.costMicros(u.path("prompt_tokens").asLong(), completion,
                        u.path("prompt_tokens_details").path("cached_tokens").asLong(0));
            }
            return new Answer(r.statusCode(), json.path("error").path("code").asText(null), cost,
                    PRICE.costMicros(estimate, granted, 0), granted, completion, started, ended);
        } catch (Exception e) {
            return new Answer(-1, e.getClass().getSimpleName(), 0, 0, 0, 0, started, System.nanoTime());
        }
    }

    /**
     * Sends to each gateway until it reports the shared store, at least three times: the first Lettuce commands of
     * a cold JVM can outlast a short timeout, which flips a replica to local limits for a second. Returns the
     * answers, whose spend counts like any other.
     */
    List<Answer> warmUp() throws Exception {
        List<Answer> answers = new ArrayList<>();
        for (GatewayServer g : gateways) {
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            for (int i = 0; i < 3 || gauge(g) != 1.0; i++) {
                assertThat(System.nanoTime()).as("the gateway shares Redis within 5 s").isLessThan(deadline);
                answers.add(send(g, MODEL, i));
                Thread.sleep(i < 3 ? 0 : 100);
            }
        }
        return answers;
    }

    /**
     * Clients on virtual threads, split over the two gateways, each sending to one model until {@code last} says
     * an answer was its last, or it is stopped; it can be paused between two requests.
     */
    final class Traffic {
        final Queue<Answer> answers = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean stopped = new AtomicBoolean();
        private final AtomicInteger waiting = new AtomicInteger();
        private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        private final int clients;
        private volatile boolean paused;

        Traffic(int clients, String model, Predicate<Answer> last) {
            this.clients = clients;
            AtomicInteger n = new AtomicInteger();
            for (int c = 0; c < clients; c++) {
                GatewayServer gateway = gateways.get(c % 2);
                pool.submit(() -> {
                    while (!stopped.get()) {
                        if (paused) {
                            waiting.incrementAndGet();
                            while (paused && !stopped.get()) {
                                Thread.sleep(5);
                            }
                            waiting.decrementAndGet();
                            continue;
                        }
                        Answer a = send(gateway, model, n.incrementAndGet());
                        answers.add(a);
                        if (last.test(a)) {
                            return null;
                        }
                    }
                    return null;
                });
            }
        }

        /** Returns once every client is between two requests. */
        void pause() {
            paused = true;
            await().atMost(Duration.ofSeconds(10)).until(() -> waiting.get() == clients);
        }

        void resume() {
            paused = false;
        }

        /** Waits for every client to end; with {@code stop}, ends them after their current request. */
        List<Answer> end(boolean stop) {
            stopped.set(stop);
            pool.close();
            return List.copyOf(answers);
        }
    }

    @Test
    void twoGatewaysSpendOneBudgetOnceAndRedisHoldsTheRealSpend() throws Exception {
        long budget = 200_000; // $0.20 in micro-dollars
        // a generous timeout: a command timed out on a starved CPU flips a replica to local limits, lifting the bound
        startGateways("0.20", "1s");
        List<Answer> answers = new ArrayList<>(warmUp());
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        warnings.start();
        Logger limiterLog = (Logger) LoggerFactory.getLogger(RedisRateLimiter.class);
        limiterLog.addAppender(warnings);
        try {
            answers.addAll(new Traffic(50, MODEL, a -> a.status() != 200).end(false));
        } finally {
            limiterLog.detachAppender(warnings);
        }
        assertThat(warnings.list).as("no replica fell back to local limits (which lifts the bound)")
                .extracting(ILoggingEvent::getFormattedMessage).isEmpty();

        assertThat(answers).as("only 200s and 429s").allSatisfy(a -> assertThat(a.status()).isIn(200, 429));
        assertThat(answers.stream().filter(a -> a.status() == 429)).as("every client ended on a spent budget")
                .hasSize(50).allSatisfy(a -> assertThat(a.code()).isEqualTo("insufficient_quota"));
        List<Answer> served = answers.stream().filter(a -> a.status() == 200).toList();
        long spend = served.stream().mapToLong(Answer::cost).sum();
        long reservation = served.stream().mapToLong(Answer::reserved).max().orElseThrow();
        assertThat(reservation).as("one request is 1-3 %% of the budget").isBetween(budget / 100, budget * 3 / 100);
        assertThat(served.size()).as("the budget was spent by many requests").isGreaterThan(30);
        assertThat(served).as("no answer wrote past the bound it was granted")
                .allSatisfy(a -> assertThat(a.completion()).isLessThanOrEqualTo(a.granted()));
        /*
         * The bound: never more than one request's reservation over the budget. The gateway's own count of
         * the prompt misses the chat template the simulator reads around it (14 tokens of a one-message prompt), so
         * before the calibration learned that from the answers, each request in flight at the end could add that
         * much (about 2 % of the budget here, past the bound); the warm-up's answers teach each gateway its model.
         */
        assertThat(spend).as("the real spend of %d answers, over both gateways", served.size())
                .isLessThanOrEqualTo(budget + reservation)
                .isGreaterThan(budget - 2 * reservation); // and the budget was really spent, not refused early

        assertThat(keys()).as("the model budget is the only limit charged").containsExactly(budgetKey(MODEL));
        // settlements are sent when a response ends, maybe after the client has it: wait for the last ones
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(spent(MODEL))
                .as("the budget's spend in Redis: the reservations replaced by the real usage").isEqualTo(spend));
    }

    /**
     * Redis is killed (SIGKILL) under traffic and restarted, empty (no persistence), on the same port; so what it
     * must hold afterwards is what was spent since the kill: the gateways' local spend during the outage, handed
     * over, plus what came after.
     *
     * <p>Two models share the traffic. {@link #MODEL}'s clients never stop, so requests are in flight at the kill;
     * each of those can have moved the restarted value by at most its reservation down (a refund settled into the
     * ledger) or its real cost up, which is all that can be said of them. {@link #OTHER}'s clients pause around the
     * kill, so nothing of theirs is in flight at it: its restarted value must be exactly what they spent after.
     */
    @Test
    void redisKilledAndBackCostsNoRequestAndGetsTheOutagesSpend() throws Exception {
        startGateways("500", "200ms");
        List<Answer> warm = warmUp();
        Traffic steady = new Traffic(12, MODEL, a -> false);
        Traffic pausing = new Traffic(8, OTHER, a -> false);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> spent(MODEL) > 0 && spent(OTHER) > 0);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(gauges())
                    .as("both gateways share Redis").containsExactly(1.0, 1.0));
            pausing.pause();
            Thread.sleep(300); // for the last settlements to land

            long killStarted = System.nanoTime();
            redis.kill();
            long killed = System.nanoTime();
            pausing.resume();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(gauges())
                    .as("both gateways decide locally").containsExactly(0.0, 0.0));
            Thread.sleep(1000); // traffic during the outage

            redis.startAgain();
            long restarted = System.nanoTime();
            await().atMost(Duration.ofSeconds(8)).untilAsserted(() -> assertThat(gauges())
                    .as("both gateways share Redis again").containsExactly(1.0, 1.0));
            Thread.sleep(300);
            List<Answer> others = pausing.end(true);
            List<Answer> steadyOnes = new CopyOnWriteArrayList<>(steady.end(true));
            steadyOnes.addAll(warm);

            long outage = others.stream().filter(a -> a.started() > killed && a.ended() < restarted)
                    .mapToLong(Answer::cost).sum();
            long otherSince = others.stream().filter(a -> a.started() > killed).mapToLong(Answer::cost).sum();
            // a local settlement that lands after the hand-over waits in the ledger for the next request: send some
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                gateways.forEach(g -> steadyOnes.add(send(g, MODEL, -1)));
                assertThat(spent(OTHER)).as("%s's spend in Redis: its outage spend (%d µ$) handed over, and all since"
                        + " the kill (%d µ$)", OTHER, outage, otherSince).isEqualTo(otherSince);
            });

            List<Answer> answers = new ArrayList<>(steadyOnes);
            answers.addAll(others);
            assertThat(answers).as("no request failed: limits were decided locally while Redis was down")
                    .allSatisfy(a -> assertThat(a.status()).as("status (%s)", a.code()).isEqualTo(200));
            assertThat(answers.stream().filter(a -> a.started() > killed && a.ended() < restarted))
                    .as("requests served during the outage").hasSizeGreaterThan(20);

            long settling = Duration.ofMillis(500).toNanos(); // a settlement may still travel after its response
            Predicate<Answer> straddles = a -> a.started() <= killed && a.ended() >= killStarted - settling;
            long since = steadyOnes.stream().filter(a -> a.started() > killed).mapToLong(Answer::cost).sum();
            long down = steadyOnes.stream().filter(straddles).mapToLong(Answer::reserved).sum();
            long up = steadyOnes.stream().filter(straddles).mapToLong(Answer::cost).sum();
            assertThat(spent(MODEL)).as("%s's spend in Redis: %d µ$ since the kill, give or take the requests"
                    + " straddling it (-%d/+%d)", MODEL, since, down, up).isBetween(since - down, since + up);
        } finally {
            steady.end(true);
            pausing.end(true);
        }
    }

    /** The keys under the configured prefix. */
    List<String> keys() throws IOException {
        return Arrays.stream(redis.command("KEYS " + PREFIX + "*").split("\r\n"))
                .filter(l -> !l.isEmpty() && l.charAt(0) != '*' && l.charAt(0) != '$').toList();
    }

    /** A model budget's key: a hash {v: spent micro-dollars, a: window} (see reserve.lua). */
    static String budgetKey(String model) {
        return PREFIX + "m/" + model + "/budget";
    }

    /** A model budget's spend in Redis, 0 before its first charge. */
    long spent(String model) throws IOException {
        return Math.max(0, redis.hashField(budgetKey(model), "v"));
    }

    static final Pattern SHARED = Pattern.compile("(?m)^switchboard_rate_limit_store_shared(?:\\{[^}]*})? (\\S+)$");

    /** Each gateway's {@code switchboard_rate_limit_store_shared}, from its admin /metrics. */
    List<Double> gauges() throws Exception {
        List<Double> values = new ArrayList<>();
        for (GatewayServer g : gateways) {
            values.add(gauge(g));
        }
        return values;
    }

    double gauge(GatewayServer g) throws Exception {
        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.adminPort()
                + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = SHARED.matcher(metrics);
        assertThat(m.find()).as("the gauge is exported").isTrue();
        return Double.parseDouble(m.group(1));
    }
}
