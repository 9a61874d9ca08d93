package dev.switchboard.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.config.Backend;
import dev.switchboard.core.config.BackendRef;
import dev.switchboard.core.config.HeaderMutation;
import dev.switchboard.core.config.RouteRule;
import dev.switchboard.core.config.Upstream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AttemptPlanTest {
    static Upstream up(int port) {
        return new Upstream("127.0.0.1", port, null);
    }

    static BackendRef ref(String name, int weight, int priority, Upstream... ups) {
        return new BackendRef(new Backend(name, "OpenAI", List.of(ups), HeaderMutation.NONE), weight, priority, null,
                HeaderMutation.NONE);
    }

    static RouteRule rule(int retries, BackendRef... refs) {
        return new RouteRule("route", "r", List.of(), List.of(refs), Duration.ofSeconds(60), Duration.ofSeconds(30),
                new RouteRule.RetryPolicy(retries, Duration.ofMillis(1)));
    }

    final AtomicLong now = new AtomicLong();
    final OutlierDetector outliers = new OutlierDetector(now::get);

    @Test
    void lowerPrioritiesComeOnlyAfterEveryHigherOneAndWeightsSplitTheFirstChoice() {
        RouteRule r = rule(5, ref("a", 3, 0, up(1)), ref("b", 1, 0, up(2)), ref("fallback", 1, 1, up(3)));
        SplittableRandom random = new SplittableRandom(7);
        Map<String, Integer> first = new HashMap<>();
        for (int i = 0; i < 4000; i++) {
            List<Attempt> all = AttemptPlan.of(r, outliers, random).all();
            assertThat(all).hasSize(3);
            assertThat(all.get(2).ref().backend().name()).isEqualTo("fallback");
            first.merge(all.get(0).ref().backend().name(), 1, Integer::sum);
        }
        assertThat(first.get("a")).isBetween(2850, 3150); // 3:1 of 4000
    }

    @Test
    void aRetryPrefersAnotherBackendOverAnotherAddressOfTheSameOne() {
        RouteRule r = rule(5, ref("a", 1, 0, up(1), up(2)), ref("b", 1, 0, up(3), up(4)));
        List<Attempt> all = AttemptPlan.of(r, outliers, new SplittableRandom(1)).all();
        assertThat(all).hasSize(4);
        assertThat(all.get(0).ref()).isNotEqualTo(all.get(1).ref());
        assertThat(all.get(2).ref()).isNotEqualTo(all.get(3).ref());
    }

    @Test
    void theRetryCountBoundsThePlanAndWeightZeroIsOnlyAFallback() {
        RouteRule r = rule(1, ref("a", 0, 0, up(1)), ref("b", 1, 0, up(2)), ref("c", 1, 1, up(3)));
        List<Attempt> all = AttemptPlan.of(r, outliers, new SplittableRandom(3)).all();
        assertThat(all).extracting(a -> a.ref().backend().name()).containsExactly("b", "a");
    }

    @Test
    void ejectedAddressesMoveToTheEndButAreStillTriedWhenAllAreEjected() {
        RouteRule r = rule(5, ref("a", 1, 0, up(1)), ref("b", 1, 0, up(2)));
        for (int i = 0; i < OutlierDetector.CONSECUTIVE_FAILURES; i++) {
            outliers.failure(up(1));
        }
        for (int seed = 0; seed < 20; seed++) {
            List<Attempt> all = AttemptPlan.of(r, outliers, new SplittableRandom(seed)).all();
            assertThat(all.get(0).upstream()).isEqualTo(up(2));
            assertThat(all).hasSize(2);
        }
        for (int i = 0; i < OutlierDetector.CONSECUTIVE_FAILURES; i++) {
            outliers.failure(up(2));
        }
        assertThat(AttemptPlan.of(r, outliers, new SplittableRandom(1)).all()).hasSize(2);
    }
}
