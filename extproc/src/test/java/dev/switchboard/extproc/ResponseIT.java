package dev.switchboard.extproc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.extproc.protocol.LbMetadata;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The response side: Envoy sends the model server's response through the stream and the processor relays it to the
 * client, restoring the client's model name, reading the usage, and moving the request's lease to the endpoint that
 * served it. The responses are real simulator responses, fetched as Envoy would after the pick.
 */
class ResponseIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static ExtProcFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = ExtProcFixture.start(s -> s.withDefaultPool("sims"));
    }

    @AfterAll
    static void stop() throws Exception {
        f.close();
    }

    static FakeEnvoy.Stream request(byte[] body) throws Exception {
        FakeEnvoy.Stream s = f.envoy.open(null);
        s.requestHeaders(FakeEnvoy.post("/v1/chat/completions", Map.of()), false, null);
        s.requestBody(body, 4096, true);
        return s;
    }

    static void responseHeaders(FakeEnvoy.Stream s, String contentType) throws Exception {
        s.responseHeaders(Map.of(":status", "200", "content-type", contentType), false, null);
        assertThat(s.next().hasResponseHeaders()).isTrue();
    }

    @Test
    void anSseResponseIsRelayedChunkByChunkWithItsModelRestoredAndItsTokensCounted() throws Exception {
        byte[] body = ("{\"model\":\"" + ExtProcFixture.ALIAS + "\",\"stream\":true,\"stream_options\":"
                + "{\"include_usage\":true},\"max_tokens\":12,\"ignore_eos\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"count\"}]}").getBytes(StandardCharsets.UTF_8);
        double tokensBefore = outputTokens();
        FakeEnvoy.Stream s = request(body);
        FakeEnvoy.Forwarded fw = s.forwarded();
        double promptBefore = promptTokensCompared(fw.destination().split(",")[0]);
        HttpResponse<byte[]> upstream = f.upstream(fw, "/v1/chat/completions");
        assertThat(upstream.statusCode()).isEqualTo(200);
        String sse = new String(upstream.body(), StandardCharsets.UTF_8);
        assertThat(sse).contains("\"model\":\"" + ExtProcFixture.MODEL + "\"").endsWith("data: [DONE]\n\n");
        String picked = fw.destination().split(",")[0];
        responseHeaders(s, "text/event-stream");

        // 100-byte pieces, cutting model names anywhere: each comes back before the next is sent, less at most
        // the bytes of a model name it may end inside
        byte[] bytes = upstream.body();
        ByteArrayOutputStream relayed = new ByteArrayOutputStream();
        int sent = 0;
        for (int from = 0; from < bytes.length; from += 100) {
            byte[] piece = Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + 100));
            boolean last = from + 100 >= bytes.length;
            s.responseBody(piece, last);
            sent += piece.length;
            if (last) {
                relayed.write(s.relayed().body());
            } else {
                var r = s.next().getResponseBody().getResponse().getBodyMutation().getStreamedResponse();
                assertThat(r.getEndOfStream()).isFalse();
                r.getBody().writeTo(relayed);
                String soFar = relayed.toString(StandardCharsets.UTF_8);
                String restoredSent = restore(new String(bytes, 0, sent, StandardCharsets.UTF_8));
                assertThat(restore(sse)).startsWith(soFar);
                assertThat(soFar.length()).as("relayed at once").isGreaterThan(restoredSent.length() - 40);
            }
        }
        assertThat(relayed.toString(StandardCharsets.UTF_8)).isEqualTo(restore(sse));

        long completion = JSON.readTree(usageEvent(sse)).get("usage").get("completion_tokens").asLong();
        assertThat(completion).isEqualTo(12);
        await().atMost(Duration.ofSeconds(5)).until(() -> f.inFlight("sims", picked) == 0);
        assertThat(outputTokens()).isEqualTo(tokensBefore + 12);
        long prompt = JSON.readTree(usageEvent(sse)).get("usage").get("prompt_tokens").asLong();
        assertThat(promptTokensCompared(picked)).as("the usage's cached tokens compared with the pick's estimate")
                .isEqualTo(promptBefore + prompt);
        s.halfClose();
        s.awaitEnd();
    }

    /** Output tokens counted for the pool so far (the histogram's sum), 0 before the first. */
    private static double outputTokens() throws Exception {
        Matcher m = Pattern.compile("gen_ai_client_token_usage_sum\\{gen_ai_provider_name=\"openai\","
                + "gen_ai_token_type=\"output\",inference_pool=\"sims\",switchboard_backend=\"\"} ([0-9.]+)")
                .matcher(f.metrics());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /** Prompt tokens whose cached share the endpoint reported and the pool compared with its estimate; 0 before. */
    private static double promptTokensCompared(String endpoint) throws Exception {
        Matcher m = Pattern.compile("switchboard_endpoint_prefix_prompt_tokens_total\\{[^}]*endpoint=\""
                + Pattern.quote(endpoint) + "\"[^}]*\\} ([0-9.E]+)").matcher(f.metrics());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /** The client's view of the simulator's bytes: its model name back to the alias. */
    private static String restore(String upstream) {
        return upstream.replace("\"model\":\"" + ExtProcFixture.MODEL + "\"",
                "\"model\":\"" + ExtProcFixture.ALIAS + "\"");
    }

    private static String usageEvent(String sse) {
        String usage = null;
        for (String line : sse.split("\n")) {
            if (line.startsWith("data: {") && line.contains("\"usage\":{")) {
                usage = line.substring("data: ".length());
            }
        }
        return usage;
    }

    @Test
    void aJsonResponseInManyChunksComesBackWholeInPiecesOfAtMost62000Bytes() throws Exception {
        FakeEnvoy.Stream s = request(ExtProcFixture.chat(ExtProcFixture.ALIAS, "json"));
        s.forwarded();
        responseHeaders(s, "application/json");
        String content = "y".repeat(150_000);
        String response = "{\"id\":\"c1\",\"object\":\"chat.completion\",\"model\":\"" + ExtProcFixture.MODEL
                + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + content
                + "\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7}}";
        byte[] bytes = response.getBytes(StandardCharsets.UTF_8);
        // one 100 KB chunk (over the 62,000-byte limit), then the rest in two
        s.responseBody(Arrays.copyOfRange(bytes, 0, 100_000), false);
        s.responseBody(Arrays.copyOfRange(bytes, 100_000, 130_000), false);
        s.responseBody(Arrays.copyOfRange(bytes, 130_000, bytes.length), true);
        FakeEnvoy.Relayed r = s.relayed();
        assertThat(r.text()).isEqualTo(response.replace("\"model\":\"" + ExtProcFixture.MODEL + "\"",
                "\"model\":\"" + ExtProcFixture.ALIAS + "\""));
        assertThat(r.chunkSizes()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(62_000));
        assertThat(r.chunkSizes()).hasSizeGreaterThanOrEqualTo(4);
        s.halfClose();
        s.awaitEnd();
    }

    @Test
    void aResponseOfTheSameModelIsRelayedUnchanged() throws Exception {
        FakeEnvoy.Stream s = request(ExtProcFixture.chat(ExtProcFixture.MODEL, "same"));
        FakeEnvoy.Forwarded fw = s.forwarded();
        HttpResponse<byte[]> upstream = f.upstream(fw, "/v1/chat/completions");
        responseHeaders(s, "application/json");
        s.responseBody(upstream.body(), true);
        assertThat(s.relayed().body()).isEqualTo(upstream.body());
        s.halfClose();
        s.awaitEnd();
    }

    @Test
    void aLoadReportTheProcessorAskedForIsReadAndNotPassedOnUnlessTheClientAskedToo() throws Exception {
        for (boolean clientAsked : new boolean[] {false, true}) {
            FakeEnvoy.Stream s = f.envoy.open(null);
            s.requestHeaders(FakeEnvoy.post("/v1/chat/completions", clientAsked
                    ? Map.of("endpoint-load-metrics-format", "JSON") : Map.of()), false, null);
            s.requestBody(ExtProcFixture.chat(ExtProcFixture.MODEL, "orca"), 4096, true);
            FakeEnvoy.Forwarded fw = s.forwarded();
            if (clientAsked) {
                assertThat(fw.set()).doesNotContainKey("endpoint-load-metrics-format");
            } else {
                assertThat(fw.set()).containsEntry("endpoint-load-metrics-format", "TEXT");
            }
            s.responseHeaders(Map.of(":status", "200", "content-type", "application/json",
                    "endpoint-load-metrics", "TEXT named_metrics.kv_cache_usage_perc=0.5"), false, null);
            var mutation = s.next().getResponseHeaders().getResponse().getHeaderMutation();
            if (clientAsked) {
                assertThat(mutation.getRemoveHeadersList()).isEmpty();
            } else {
                assertThat(mutation.getRemoveHeadersList()).containsExactly("endpoint-load-metrics");
            }
            s.responseBody("{}".getBytes(StandardCharsets.UTF_8), true);
            s.relayed();
            s.halfClose();
            s.awaitEnd();
        }
        assertThat(f.metrics()).contains(
                "switchboard_extproc_responses_total{http_response_status_code=\"200\",inference_pool=\"sims\"}");
    }

    @Test
    void theServedEndpointEnvoyReportsTakesOverTheLease() throws Exception {
        String first = f.simAddresses().get(0);
        String second = f.simAddresses().get(1);
        FakeEnvoy.Stream s = f.envoy.open(null);
        s.requestHeaders(FakeEnvoy.post("/v1/chat/completions", Map.of()), false,
                LbMetadata.subsetHintMetadata(List.of(first)));
        s.requestBody(ExtProcFixture.chat(ExtProcFixture.MODEL, "served"), 4096, true);
        assertThat(s.forwarded().destination()).isEqualTo(first);
        await().atMost(Duration.ofSeconds(5)).until(() -> f.inFlight("sims", first) == 1);
        // Envoy retried on the other endpoint and says so in the response metadata
        s.responseHeaders(Map.of(":status", "200", "content-type", "application/json"), false,
                LbMetadata.servedMetadata(second));
        assertThat(s.next().hasResponseHeaders()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> f.inFlight("sims", first) == 0
                && f.inFlight("sims", second) == 1);
        s.responseBody("{}".getBytes(StandardCharsets.UTF_8), false);
        s.next();
        s.responseTrailers();
        assertThat(s.next().hasResponseTrailers()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> f.inFlight("sims", second) == 0);
        s.halfClose();
        s.awaitEnd();
    }
}
