package dev.switchboard.extproc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.extproc.protocol.LbMetadata;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Endpoint Picker Protocol's picks over a real gRPC connection, Envoy played by {@link FakeEnvoy}: load- and
 * LoRA-aware picks, admission (no shedding by default, 429 for a sheddable request under saturation, 503 without
 * endpoints), subset hints, and several pools in one process.
 */
class PickingIT {
    static ExtProcFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = ExtProcFixture.start(s -> s.withMaxDestinations(3)); // the pick and fallbacks, as override_host walks them
    }

    @AfterAll
    static void stop() throws Exception {
        f.close();
    }

    static FakeEnvoy.Forwarded post(String pool, byte[] body, Map<String, String> headers,
            Metadata metadata) throws Exception {
        FakeEnvoy.Stream s = f.envoy.open(pool);
        s.requestHeaders(FakeEnvoy.post("/v1/chat/completions", headers), false, metadata);
        s.requestBody(body, 16 * 1024, true);
        FakeEnvoy.Forwarded fw = s.forwarded();
        s.halfClose();
        return fw;
    }

    @Test
    void picksTheEndpointWithLowerQueueAndKvUseAndTellsEnvoyInHeaderAndMetadata() throws Exception {
        byte[] body = ExtProcFixture.chat("base", "hello");
        FakeEnvoy.Forwarded fw = post("loaded", body, Map.of(), null);
        assertThat(fw.immediate()).isNull();
        assertThat(fw.destination()).isEqualTo(f.idle.address() + "," + f.busy.address());
        assertThat(fw.metadataDestination()).isEqualTo(fw.destination());
        assertThat(fw.clearRouteCache()).isTrue();
        assertThat(fw.set()).containsEntry("content-length", String.valueOf(body.length))
                .containsEntry("x-ai-eg-model", "base").containsEntry("x-gateway-model-name", "base");
        assertThat(fw.body()).isEqualTo(body);
        assertThat(fw.chunkSizes()).containsExactly(body.length);
    }

    @Test
    void picksTheEndpointThatHasTheRequestedLoraAdapterLoaded() throws Exception {
        for (int i = 0; i < 5; i++) {
            FakeEnvoy.Forwarded fw = post("lora", ExtProcFixture.chat("food-review", "review " + i), Map.of(), null);
            assertThat(fw.destination()).startsWith(f.withAdapter.address());
        }
    }

    @Test
    void doesNotShedByDefaultEvenWhenThePoolIsSaturated() throws Exception {
        FakeEnvoy.Forwarded fw = post("saturated", ExtProcFixture.chat("base", "hi"), Map.of(), null);
        assertThat(fw.immediate()).isNull();
        assertThat(fw.destination()).isEqualTo(f.overloaded.address());
    }

    @Test
    void shedsASheddableRequestUnderSaturationWith429() throws Exception {
        FakeEnvoy.Forwarded fw = post("saturated", ExtProcFixture.chat("base", "hi"),
                Map.of("x-gateway-inference-objective", "batch"), null);
        assertThat(fw.status()).isEqualTo(429);
        assertThat(fw.immediateHeaders()).containsEntry("x-gateway-request-dropped-reason", "rejected-saturated")
                .containsEntry("retry-after", "1").containsEntry("content-type", "application/json");
        assertThat(fw.immediateBody()).contains("\"type\":\"rate_limit_error\"").startsWith("{\"error\":{\"message\":");
    }

    @Test
    void aPoolWithoutEndpointsAnswers503() throws Exception {
        FakeEnvoy.Forwarded fw = post("empty", ExtProcFixture.chat("base", "hi"), Map.of(), null);
        assertThat(fw.status()).isEqualTo(503);
        assertThat(fw.immediateHeaders()).containsEntry("x-gateway-request-dropped-reason", "rejected-no-endpoints")
                .as("as the gateway answers: endpoints may come back").containsEntry("retry-after", "1");
        assertThat(fw.immediateBody()).contains("\"type\":\"service_unavailable\"");
    }

    @Test
    void aSubsetHintIsHonoured() throws Exception {
        String second = f.simAddresses().get(1);
        for (int i = 0; i < 4; i++) {
            FakeEnvoy.Forwarded fw = post("sims", ExtProcFixture.chat(ExtProcFixture.MODEL, "subset " + i), Map.of(),
                    LbMetadata.subsetHintMetadata(List.of(second)));
            assertThat(fw.destination()).isEqualTo(second);
            assertThat(fw.metadataDestination()).isEqualTo(second);
        }
    }

    @Test
    void aPartlyMatchingSubsetHintKeepsToItsMembers() throws Exception {
        String first = f.simAddresses().get(0);
        FakeEnvoy.Forwarded fw = post("sims", ExtProcFixture.chat(ExtProcFixture.MODEL, "partly"), Map.of(),
                LbMetadata.subsetHintMetadata(List.of("10.255.0.1:8000", first)));
        assertThat(fw.destination()).isEqualTo(first);
    }

    @Test
    void aSubsetHintMatchingNoneOrEmptyAnswers503() throws Exception {
        for (List<String> subset : List.of(List.of("10.255.0.1:8000"), List.<String>of())) {
            FakeEnvoy.Forwarded fw = post("sims", ExtProcFixture.chat(ExtProcFixture.MODEL, "none"), Map.of(),
                    LbMetadata.subsetHintMetadata(subset));
            assertThat(fw.status()).as("subset " + subset).isEqualTo(503);
        }
    }

    @Test
    void twoPoolsInOneProcessEachPickFromTheirOwnEndpoints() throws Exception {
        FakeEnvoy.Forwarded loaded = post("loaded", ExtProcFixture.chat("base", "a"), Map.of(), null);
        FakeEnvoy.Forwarded sims = post("sims", ExtProcFixture.chat(ExtProcFixture.MODEL, "b"), Map.of(), null);
        assertThat(loaded.destination().split(",")).containsExactlyInAnyOrder(f.idle.address(), f.busy.address());
        assertThat(sims.destination().split(",")).containsExactlyInAnyOrderElementsOf(f.simAddresses());
        // the request header chooses when the call's metadata does not
        FakeEnvoy.Forwarded byHeader = post(null, ExtProcFixture.chat("base", "c"),
                Map.of("x-switchboard-pool", "loaded"), null);
        assertThat(byHeader.destination()).startsWith(f.idle.address());
    }

    @Test
    void anUnknownPoolAnswers503NamingThePools() throws Exception {
        FakeEnvoy.Forwarded fw = post("nope", ExtProcFixture.chat("base", "a"), Map.of(), null);
        assertThat(fw.status()).isEqualTo(503);
        assertThat(fw.immediateBody()).contains("No InferencePool 'nope'")
                .contains("loaded, saturated, lora, sims, empty");
    }

    @Test
    void bodyBasedRoutingNamesTheBaseModelOfALoraAdapter() throws Exception {
        assertThat(post(null, ExtProcFixture.chat("food-review", "a"), Map.of(), null).set())
                .containsEntry("x-gateway-model-name", "food-review")
                .containsEntry("x-gateway-base-model-name", "base-llama");
        assertThat(post(null, ExtProcFixture.chat("base-llama", "b"), Map.of(), null).set())
                .containsEntry("x-gateway-base-model-name", "base-llama");
    }

    @Test
    void withSeveralPoolsAndNoneNamedTheStreamGetsBodyBasedRoutingOnly() throws Exception {
        byte[] body = ExtProcFixture.chat("some-model", "bbr");
        FakeEnvoy.Forwarded fw = post(null, body, Map.of("x-gateway-destination-endpoint", "169.254.169.254:80"), null);
        assertThat(fw.destination()).isNull();
        assertThat(fw.removed()).as("a client cannot pick the destination itself").contains("x-gateway-destination-endpoint");
        assertThat(fw.metadata()).isNull();
        assertThat(fw.clearRouteCache()).isTrue();
        assertThat(fw.set()).containsEntry("x-ai-eg-model", "some-model")
                .containsEntry("x-gateway-model-name", "some-model").containsEntry("x-gateway-base-model-name", "");
        assertThat(fw.body()).isEqualTo(body);
    }

    @Test
    void theLeaseCountsTheRequestInFlightUntilTheResponseEnds() throws Exception {
        FakeEnvoy.Stream s = f.envoy.open("sims");
        s.requestHeaders(FakeEnvoy.post("/v1/chat/completions", Map.of()), false, null);
        s.requestBody(ExtProcFixture.chat(ExtProcFixture.MODEL, "lease"), 64, true);
        FakeEnvoy.Forwarded fw = s.forwarded();
        String picked = fw.destination().split(",")[0];
        await().atMost(Duration.ofSeconds(5)).until(() -> f.inFlight("sims", picked) == 1);
        s.responseHeaders(Map.of(":status", "200", "content-type", "application/json"), false, null);
        assertThat(s.next().hasResponseHeaders()).isTrue();
        s.responseBody("{\"ok\":true}".getBytes(StandardCharsets.UTF_8), true);
        assertThat(s.relayed().text()).isEqualTo("{\"ok\":true}");
        await().atMost(Duration.ofSeconds(5)).until(() -> f.inFlight("sims", picked) == 0);
        s.halfClose();
        s.awaitEnd();
    }
}
