package dev.switchboard.extproc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The request side of the ext_proc stream as Envoy drives it: bodies in any chunking, bad bodies, requests without
 * a body, trailers, model rewrites, and streams that end before the response.
 */
class ProtocolIT {
    static final ObjectMapper JSON = new ObjectMapper();
    /** A small limit, so the 413 test need not send 32 MiB. */
    static final int MAX_BODY = 256 * 1024;
    static ExtProcFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = ExtProcFixture.start(s -> s.withMaxBodyBytes(MAX_BODY).withDefaultPool("sims"));
    }

    @AfterAll
    static void stop() throws Exception {
        f.close();
    }

    static FakeEnvoy.Forwarded post(byte[] body, int chunk, Map<String, String> headers) throws Exception {
        FakeEnvoy.Stream s = f.envoy.open(null);
        s.requestHeaders(FakeEnvoy.post("/v1/chat/completions", headers), false, null);
        s.requestBody(body, chunk, true);
        FakeEnvoy.Forwarded fw = s.forwarded();
        s.halfClose();
        return fw;
    }

    static byte[] bigChat(int contentBytes) {
        return ExtProcFixture.chat(ExtProcFixture.MODEL, "x".repeat(contentBytes));
    }

    @Test
    void aBodySplitAcrossManyChunksIsReadWholeAndSentOnInPiecesOfAtMost62000Bytes() throws Exception {
        byte[] body = bigChat(150_000);
        FakeEnvoy.Forwarded fw = post(body, 1000, Map.of());
        assertThat(fw.immediate()).isNull();
        assertThat(fw.body()).isEqualTo(body);
        assertThat(fw.chunkSizes()).containsExactly(62_000, 62_000, body.length - 124_000);
        assertThat(fw.set()).containsEntry("content-length", String.valueOf(body.length));
    }

    @Test
    void byDefaultAPickNamesOneEndpointAsOriginalDstClustersReadOne() throws Exception {
        FakeEnvoy.Stream s = f.envoy.open(null);
        s.requestHeaders(FakeEnvoy.post("/v1/chat/completions", Map.of()), false, null);
        s.requestBody(ExtProcFixture.chat(ExtProcFixture.MODEL, "one"), 1024, true);
        FakeEnvoy.Forwarded fw = s.forwarded();
        s.halfClose();
        assertThat(f.simAddresses()).hasSize(2);
        assertThat(fw.destination()).isIn(f.simAddresses());
        assertThat(fw.metadataDestination()).isEqualTo(fw.destination());
    }

    @Test
    void aBodyInOneByteChunksIsReadWhole() throws Exception {
        byte[] body = ExtProcFixture.chat(ExtProcFixture.MODEL, "one byte at a time");
        FakeEnvoy.Forwarded fw = post(body, 1, Map.of());
        assertThat(fw.body()).isEqualTo(body);
        assertThat(fw.destination()).isNotNull();
    }

    @Test
    void invalidJsonIsAnswered400InTheOpenAiErrorShape() throws Exception {
        FakeEnvoy.Forwarded fw = post("{\"model\": \"x\", \"messages\": [".getBytes(StandardCharsets.UTF_8), 7,
                Map.of());
        assertThat(fw.status()).isEqualTo(400);
        JsonNode error = JSON.readTree(fw.immediateBody()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("message").asText()).contains("not valid JSON");
        assertThat(error.has("param")).isTrue();
        assertThat(error.has("code")).isTrue();
    }

    @Test
    void aMissingModelIsAnswered400() throws Exception {
        FakeEnvoy.Forwarded fw = post("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
                .getBytes(StandardCharsets.UTF_8), 100, Map.of());
        assertThat(fw.status()).isEqualTo(400);
        JsonNode error = JSON.readTree(fw.immediateBody()).get("error");
        assertThat(error.get("param").asText()).isEqualTo("model");
        assertThat(error.get("message").asText()).contains("missing");
    }

    @Test
    void aBodyOverTheLimitIsAnswered413() throws Exception {
        FakeEnvoy.Forwarded fw = post(bigChat(MAX_BODY), 32 * 1024, Map.of());
        assertThat(fw.status()).isEqualTo(413);
        assertThat(fw.immediateBody()).contains("larger than").contains(String.valueOf(MAX_BODY));
    }

    @Test
    void aGetWithHeadersOnlyGoesToARandomEndpointOfThePool() throws Exception {
        FakeEnvoy.Stream s = f.envoy.open(null);
        s.requestHeaders(Map.of(":method", "GET", ":path", "/v1/models"), true, null);
        FakeEnvoy.Forwarded fw = s.forwarded();
        assertThat(f.simAddresses()).contains(fw.destination());
        assertThat(fw.metadataDestination()).isEqualTo(fw.destination());
        assertThat(fw.set()).containsKey("x-request-id").doesNotContainKey("content-length");
        assertThat(fw.chunkSizes()).isEmpty();
        s.halfClose();
        s.awaitEnd();
    }

    @Test
    void aRewrittenModelIsSentUpstreamWithOnlyTheModelValueReplaced() throws Exception {
        byte[] body = ExtProcFixture.chat(ExtProcFixture.ALIAS, "rewrite me");
        FakeEnvoy.Forwarded fw = post(body, 10, Map.of());
        String expected = new String(body, StandardCharsets.UTF_8)
                .replace("\"model\":\"" + ExtProcFixture.ALIAS + "\"", "\"model\":\"" + ExtProcFixture.MODEL + "\"");
        assertThat(fw.bodyText()).isEqualTo(expected);
        assertThat(fw.set()).containsEntry("content-length", String.valueOf(expected.length()))
                .containsEntry("x-ai-eg-model", ExtProcFixture.ALIAS);
    }

    @Test
    void theRewriteHeaderChoosesTheTargetModel() throws Exception {
        FakeEnvoy.Forwarded fw = post(ExtProcFixture.chat("anything", "hdr"), 1000,
                Map.of("x-gateway-model-name-rewrite", "sql-lora"));
        assertThat(JSON.readTree(fw.body()).get("model").asText()).isEqualTo("sql-lora");
    }

    @Test
    void aBodyThatTrailersEndIsAnsweredHeadersBodyThenTrailers() throws Exception {
        byte[] body = ExtProcFixture.chat(ExtProcFixture.MODEL, "trailers");
        FakeEnvoy.Stream s = f.envoy.open(null);
        s.requestHeaders(FakeEnvoy.post("/v1/chat/completions", Map.of()), false, null);
        s.requestBody(body, 20, false);
        s.requestTrailers();
        FakeEnvoy.Forwarded fw = s.forwarded(false);
        assertThat(fw.body()).isEqualTo(body);
        assertThat(s.next().hasRequestTrailers()).isTrue();
        s.halfClose();
        s.awaitEnd();
    }

    @Test
    void aGeneratedRequestIdIsSentUpstreamAndAClientsIsKept() throws Exception {
        FakeEnvoy.Forwarded generated = post(ExtProcFixture.chat(ExtProcFixture.MODEL, "id"), 1000, Map.of());
        assertThat(generated.set().get("x-request-id")).matches("[0-9a-f-]{36}");
        FakeEnvoy.Forwarded kept = post(ExtProcFixture.chat(ExtProcFixture.MODEL, "id"), 1000,
                Map.of("x-request-id", "client-id-1"));
        assertThat(kept.set()).doesNotContainKey("x-request-id");
    }

    @Test
    void aStreamThatEndsBeforeTheResponseReleasesItsEndpoint() throws Exception {
        for (boolean reset : new boolean[] {true, false}) {
            FakeEnvoy.Stream s = f.envoy.open(null);
            s.requestHeaders(FakeEnvoy.post("/v1/chat/completions", Map.of()), false, null);
            s.requestBody(ExtProcFixture.chat(ExtProcFixture.MODEL, "early " + reset), 100, true);
            String picked = s.forwarded().destination().split(",")[0];
            await().atMost(Duration.ofSeconds(5)).until(() -> f.inFlight("sims", picked) == 1);
            if (reset) {
                s.cancel(); // the client went away: Envoy resets the stream
            } else {
                s.halfClose(); // Envoy ends the stream without sending the response (response mode SKIP)
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> f.inFlight("sims", picked) == 0);
        }
    }

    @Test
    void aStreamThatEndsWhileTheBodyIsStillComingLeavesNothingBehind() throws Exception {
        double before = streams();
        FakeEnvoy.Stream s = f.envoy.open(null);
        s.requestHeaders(FakeEnvoy.post("/v1/chat/completions", Map.of()), false, null);
        s.requestBody("{\"model\":\"x\",".getBytes(StandardCharsets.UTF_8), 100, false);
        await().atMost(Duration.ofSeconds(5)).until(() -> streams() == before + 1);
        s.cancel();
        await().atMost(Duration.ofSeconds(5)).until(() -> streams() == before);
    }

    static double streams() throws Exception {
        Matcher m = Pattern.compile("(?m)^switchboard_extproc_streams ([0-9.]+)$").matcher(f.metrics());
        assertThat(m.find()).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
