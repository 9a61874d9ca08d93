package dev.switchboard.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.config.Backend;
import dev.switchboard.core.config.BackendRef;
import dev.switchboard.core.config.HeaderMutation;
import dev.switchboard.core.config.ModelRewrites;
import dev.switchboard.core.config.PoolConfig;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PoolModelsTest {
    static final ModelRewrites SPLIT = new ModelRewrites(List.of(
            new ModelRewrites.Rule(List.of("food-review"), List.of(new ModelRewrites.Target("food-review-v1", 1)), "r0")));

    static BackendRef ref(String override) {
        PoolConfig pool = new PoolConfig("reviews", java.util.Map.of(), List.of(), List.of(), List.of(), SPLIT, List.of(), null);
        return new BackendRef(new Backend("reviews", "OpenAI", List.of(), HeaderMutation.NONE), 1, 0, override,
                HeaderMutation.NONE, pool, BackendRef.ClientTrust.NONE);
    }

    static String target(String client, String override, String header) {
        return PoolModels.target(client, ref(override), header, new SplittableRandom(1));
    }

    @Test
    void theHeaderWinsThenTheRuleOnTheOverriddenModelThenTheModelItself() {
        assertThat(target("food-review", null, "food-review-v9")).isEqualTo("food-review-v9");
        assertThat(target("food-review", "other", " food-review-v9 ")).isEqualTo("food-review-v9");
        assertThat(target("food-review", null, null)).isEqualTo("food-review-v1");
        assertThat(target("alias", "food-review", null)).as("the override, then the pool's rule").isEqualTo("food-review-v1");
        assertThat(target("food-review", "other", null)).as("rules match what the pool receives").isEqualTo("other");
        assertThat(target("chat", null, "")).as("an empty header is no header").isEqualTo("chat");
    }
}
