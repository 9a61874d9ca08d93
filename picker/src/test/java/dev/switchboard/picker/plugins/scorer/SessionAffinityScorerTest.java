package dev.switchboard.picker.plugins.scorer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.picker.datalayer.EngineType;
import dev.switchboard.picker.plugins.filter.SessionAffinityFilter;
import dev.switchboard.picker.pool.Endpoint;
import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.picker.scheduling.PickRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionAffinityScorerTest {
    static final List<EndpointState> POOL = List.of(endpoint("10.0.0.1", 8000), endpoint("10.0.0.1", 8001),
            endpoint("10.0.0.2", 8000));

    static EndpointState endpoint(String host, int port) {
        return new EndpointState(new Endpoint(host, port, Map.of(), EngineType.VLLM), null, false, 0, 0);
    }

    static String token(String address) {
        return Base64.getEncoder().encodeToString(address.getBytes(StandardCharsets.UTF_8));
    }

    static double[] score(SessionAffinityScorer s, Map<String, String> headers) {
        double[] out = {7, 7, 7}; // stale values from an earlier scorer must not leak through
        s.score(PickRequest.of("m", "", headers, 0), POOL, out);
        return out;
    }

    @Test
    void theEndpointTheTokenNamesScoresOneAndTheOthersZero() {
        SessionAffinityScorer s = new SessionAffinityScorer("s", "x-session-token");
        assertThat(score(s, Map.of("x-session-token", token("10.0.0.1:8001")))).containsExactly(0, 1, 0);
        assertThat(score(s, Map.of("x-session-token", token("10.0.0.2:8000")))).containsExactly(0, 0, 1);
    }

    @Test
    void noUsableTokenMeansNoPreference() {
        SessionAffinityScorer s = new SessionAffinityScorer("s", "x-session-token");
        assertThat(score(s, Map.of())).containsExactly(0, 0, 0);
        assertThat(score(s, Map.of("x-session-token", "%%% not base64"))).containsExactly(0, 0, 0);
        assertThat(score(s, Map.of("x-session-token", token("10.0.0.9:8000")))).as("endpoint gone").containsExactly(0, 0, 0);
        assertThat(score(s, Map.of("x-session-token", token("10.0.0.1")))).as("no port").containsExactly(0, 0, 0);
        assertThat(score(s, Map.of("x-session-token", token("10.0.0.1:80001")))).containsExactly(0, 0, 0);
        assertThat(score(s, Map.of("x-other", token("10.0.0.1:8000")))).containsExactly(0, 0, 0);
    }

    @Test
    void theResponseCarriesTheTokenOfTheEndpointThatServed() {
        SessionAffinityScorer s = new SessionAffinityScorer("s", "x-sticky");
        Map<String, String> headers = new HashMap<>();
        s.processResponseHeaders(PickRequest.of("m", "", Map.of(), 0), POOL.get(2).endpoint(), headers::put);
        assertThat(headers).containsExactly(Map.entry("x-sticky", "MTAuMC4wLjI6ODAwMA==")); // 10.0.0.2:8000
        assertThat(score(s, Map.of("x-sticky", headers.get("x-sticky")))).as("round trip").containsExactly(0, 0, 1);
    }

    @Test
    void theFilterKeepsOnlyTheSessionsEndpointOrEveryCandidate() {
        SessionAffinityFilter f = new SessionAffinityFilter("f", "x-session-token");
        assertThat(f.filter(PickRequest.of("m", "", Map.of("x-session-token", token("10.0.0.1:8001")), 0), POOL))
                .containsExactly(POOL.get(1));
        assertThat(f.filter(PickRequest.of("m", "", Map.of("x-session-token", token("10.0.0.7:1")), 0), POOL))
                .as("the session's endpoint is gone: never an empty list").isEqualTo(POOL);
        assertThat(f.filter(PickRequest.of("m", "", Map.of(), 0), POOL)).isEqualTo(POOL);
        Map<String, String> headers = new HashMap<>();
        f.processResponseHeaders(PickRequest.of("m", "", Map.of(), 0), POOL.get(0).endpoint(), headers::put);
        assertThat(headers).containsEntry("x-session-token", token("10.0.0.1:8000"));
    }
}
