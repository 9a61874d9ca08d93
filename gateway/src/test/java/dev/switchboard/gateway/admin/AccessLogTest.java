package dev.switchboard.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.config.Backend;
import dev.switchboard.core.config.BackendRef;
import dev.switchboard.core.config.Upstream;
import dev.switchboard.core.model.UsageTail;
import dev.switchboard.gateway.handler.RequestInfo;
import dev.switchboard.gateway.routing.Attempt;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AccessLogTest {
    static final Upstream UPSTREAM = new Upstream("127.0.0.1", 8000, null);
    static final Attempt ATTEMPT = new Attempt(new BackendRef(new Backend("backend-a", "OpenAI", List.of(UPSTREAM), null),
            1, 0, null, null), UPSTREAM);

    static void logOne(AccessLog log, String id) {
        log.log(new RequestInfo(id, "/v1/chat/completions", "m\"odel", true, 0, 0, 0, true, 0, 0, 42), ATTEMPT, 200, 2,
                3_500_000, 1_250_000, new UsageTail.Usage(10, 5, 0), true, null);
    }

    @Test
    void aBlockedAppenderDoesNotBlockTheRequestThatLogs() throws Exception {
        try (AccessLogCapture capture = AccessLogCapture.installBlocked(); AccessLog log = new AccessLog(true)) {
            // the event loop's call: must return while the appender is stuck (the timeout only catches a hang)
            CompletableFuture.runAsync(() -> logOne(log, "r1")).get(10, TimeUnit.SECONDS);
            CompletableFuture.runAsync(() -> logOne(log, "r2")).get(10, TimeUnit.SECONDS);
            capture.unblock();
        }
    }

    @Test
    void aFullQueueDropsAndCountsTheRestAndWritesWhatItHeld() throws Exception {
        try (AccessLogCapture capture = AccessLogCapture.installBlocked()) {
            AccessLog log = new AccessLog(true);
            logOne(log, "first");
            assertThat(capture.entered.await(10, TimeUnit.SECONDS)).isTrue(); // the writer is stuck in the appender
            for (int i = 0; i < AccessLog.CAPACITY + 5; i++) {
                logOne(log, "r" + i);
            }
            assertThat(log.dropped()).isEqualTo(5);
            capture.unblock();
            log.close();
            assertThat(capture.lines).hasSize(1 + AccessLog.CAPACITY);
            assertThat(capture.lines.getLast()).contains("\"request_id\":\"r" + (AccessLog.CAPACITY - 1) + "\"");
        }
    }

    @Test
    void closeWritesEveryQueuedLineAndLaterOnesAreDroppedAndCounted() throws Exception {
        try (AccessLogCapture capture = AccessLogCapture.installBlocked()) {
            AccessLog log = new AccessLog(true);
            for (int i = 0; i < 100; i++) {
                logOne(log, "r" + i);
            }
            CompletableFuture<Void> closing = CompletableFuture.runAsync(log::close);
            capture.unblock();
            closing.get(10, TimeUnit.SECONDS);
            assertThat(capture.lines).hasSize(100);
            assertThat(log.dropped()).isZero();

            logOne(log, "late");
            assertThat(log.dropped()).isEqualTo(1);
            assertThat(capture.lines).hasSize(100);
        }
    }

    @Test
    void aLineIsOneJsonObjectWithTheRequestsFields() throws Exception {
        try (AccessLogCapture capture = AccessLogCapture.install()) {
            AccessLog log = new AccessLog(true);
            logOne(log, "req-1");
            log.log(new RequestInfo("req-2", "/v1/embeddings", "e", false, 0, 0, 0, true, 0, 0, 7), null, 404, 0,
                    1_000_000, -1, null, false, "backend 'a' sent nothing for 30000 ms (streamIdleTimeout)");
            log.close();
            assertThat(capture.lines).hasSize(2);
            JsonNode a = new ObjectMapper().readTree(capture.lines.get(0));
            assertThat(a.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
            assertThat(a.get("request_id").asText()).isEqualTo("req-1");
            assertThat(a.get("api").asText()).isEqualTo("/v1/chat/completions");
            assertThat(a.get("model").asText()).isEqualTo("m\"odel");
            assertThat(a.get("backend").asText()).isEqualTo("backend-a");
            assertThat(a.get("upstream").asText()).isEqualTo("127.0.0.1:8000");
            assertThat(a.get("status").asInt()).isEqualTo(200);
            assertThat(a.get("attempts").asInt()).isEqualTo(2);
            assertThat(a.get("stream").asBoolean()).isTrue();
            assertThat(a.get("complete").asBoolean()).isTrue();
            assertThat(a.get("request_bytes").asLong()).isEqualTo(42);
            assertThat(a.get("duration_ms").asDouble()).isEqualTo(3.5);
            assertThat(a.get("first_byte_ms").asDouble()).isEqualTo(1.25);
            assertThat(a.get("prompt_tokens").asLong()).isEqualTo(10);
            assertThat(a.get("completion_tokens").asLong()).isEqualTo(5);
            assertThat(a.get("error").isNull()).isTrue();

            JsonNode b = new ObjectMapper().readTree(capture.lines.get(1));
            assertThat(b.get("backend").isNull()).isTrue();
            assertThat(b.get("upstream").isNull()).isTrue();
            assertThat(b.get("first_byte_ms").isNull()).isTrue();
            assertThat(b.get("prompt_tokens").isNull()).isTrue();
            assertThat(b.get("completion_tokens").isNull()).isTrue();
            assertThat(b.get("stream").asBoolean()).isFalse();
            assertThat(b.get("error").asText()).isEqualTo("backend 'a' sent nothing for 30000 ms (streamIdleTimeout)");
        }
    }

    @Test
    void aDisabledLogWritesNothing() {
        try (AccessLogCapture capture = AccessLogCapture.install(); AccessLog log = new AccessLog(false)) {
            logOne(log, "r");
            log.close();
            assertThat(capture.lines).isEmpty();
            assertThat(log.dropped()).isZero();
        }
    }
}
