package dev.switchboard.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.config.ConfigLoader;
import org.junit.jupiter.api.Test;

class PoliciesTest {
    @Test
    void aGuardrailForARouteTheConfigurationDoesNotHaveIsRefusedNamingTheRoutesItHas() throws Exception {
        var config = ConfigLoader.parse("""
                apiVersion: switchboard.dev/v1alpha1
                kind: Guardrail
                metadata: {name: chat}
                spec:
                  targetRefs: [{name: chatt}]
                  steps: [{name: pii, type: pii, action: redact}]
                """, "test.yaml");
        assertThatThrownBy(() -> Policies.check(config.policies(), java.util.Set.of("chat", "batch")))
                .hasMessageContaining("test.yaml: document 1 (Guardrail/chat)")
                .hasMessageContaining("AIGatewayRoute 'chatt'").hasMessageContaining("it has: batch, chat");
    }

    @Test
    void twoRateLimitPoliciesAreRefused() throws Exception {
        var config = ConfigLoader.parse("""
                apiVersion: switchboard.dev/v1alpha1
                kind: RateLimitPolicy
                metadata: {name: a}
                spec: {principalDefaults: {requestsPerMinute: 5}}
                ---
                apiVersion: switchboard.dev/v1alpha1
                kind: RateLimitPolicy
                metadata: {name: b}
                spec: {principalDefaults: {requestsPerMinute: 6}}
                """, "test.yaml");
        assertThatThrownBy(() -> Policies.check(config.policies(), java.util.Set.of()))
                .hasMessageContaining("a second RateLimitPolicy document ('b')");
    }

    @Test
    void aReloadKeepsTheCountsInMemorySoItHandsOutNoFreshLimit() throws Exception {
        var config = ConfigLoader.parse("""
                apiVersion: switchboard.dev/v1alpha1
                kind: RateLimitPolicy
                metadata: {name: a}
                spec: {principalDefaults: {requestsPerMinute: 2}}
                """, "test.yaml");
        var clock = java.time.Clock.fixed(java.time.Instant.parse("2026-12-02T00:00:00Z"), java.time.ZoneOffset.UTC);
        Policies first = Policies.start(config.policies(), java.util.Set.of(), name -> null, clock,
                Policies.SharedStore.NONE, Policies.NONE);
        var req = new dev.switchboard.policy.limits.ReservationRequest(Principal.ANONYMOUS, "m", null, 10, 20);
        assertThat(first.limiter().reserve(req).toCompletableFuture().join())
                .isInstanceOf(dev.switchboard.policy.limits.Reservation.Granted.class);
        assertThat(first.limiter().reserve(req).toCompletableFuture().join())
                .isInstanceOf(dev.switchboard.policy.limits.Reservation.Granted.class);
        Policies second = Policies.start(config.policies(), java.util.Set.of(), name -> null, clock,
                Policies.SharedStore.NONE, first);
        first.close();
        assertThat(second.limiter().reserve(req).toCompletableFuture().join())
                .isInstanceOf(dev.switchboard.policy.limits.Reservation.Refused.class);
        Policies fresh = Policies.start(config.policies(), java.util.Set.of(), name -> null, clock,
                Policies.SharedStore.NONE, Policies.NONE);
        assertThat(fresh.limiter().reserve(req).toCompletableFuture().join())
                .isInstanceOf(dev.switchboard.policy.limits.Reservation.Granted.class);
    }

    @Test
    void aReloadKeepsWhatWasLearnedOfEachModelsPrompts() throws Exception {
        var config = ConfigLoader.parse("""
                apiVersion: switchboard.dev/v1alpha1
                kind: RateLimitPolicy
                metadata: {name: a}
                spec: {principalDefaults: {tokensPerMinute: 100000}}
                """, "test.yaml");
        var clock = java.time.Clock.systemUTC();
        Policies first = Policies.start(config.policies(), java.util.Set.of(), name -> null, clock,
                Policies.SharedStore.NONE, Policies.NONE);
        for (int i = 0; i < 20; i++) {
            first.calibration().of("m").observe(10, 1, 24); // the template adds 14 tokens
        }
        Policies second = Policies.start(config.policies(), java.util.Set.of(), name -> null, clock,
                Policies.SharedStore.NONE, first);
        first.close();
        assertThat(second.calibration().of("m").estimate(10, 1)).isGreaterThanOrEqualTo(24);
        assertThat(second.calibration().of("other").estimate(10, 1)).as("another model learns its own").isEqualTo(10);
        second.close();
    }

    @Test
    void onlyRequestRateLimitsLeaveARequestWithoutABoundAlone() throws Exception {
        var config = ConfigLoader.parse("""
                apiVersion: switchboard.dev/v1alpha1
                kind: RateLimitPolicy
                metadata: {name: a}
                spec: {principalDefaults: {requestsPerMinute: 100}}
                """, "test.yaml");
        Policies p = Policies.start(config.policies(), java.util.Set.of(), name -> null, java.time.Clock.systemUTC(),
                Policies.SharedStore.NONE, Policies.NONE);
        var granted = (dev.switchboard.policy.limits.Reservation.Granted) p.limiter().reserve(
                new dev.switchboard.policy.limits.ReservationRequest(Principal.ANONYMOUS, "m", null, 10, -1))
                .toCompletableFuture().join();
        assertThat(granted.rewrite()).isFalse();
    }

    @Test
    void noDocumentsMeanNoAuthentication() throws Exception {
        Policies none = Policies.start(ConfigLoader.parse("", "empty.yaml").policies(), java.util.Set.of(),
                name -> null, java.time.Clock.systemUTC(), Policies.SharedStore.NONE, Policies.NONE);
        assertThat(none.authenticates()).isFalse();
        assertThat(none.authenticator()).isNull();
        assertThat(none.limiter()).isNull();
        assertThat(none.guardrails("chat")).isNull();
    }
}
