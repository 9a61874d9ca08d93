package dev.switchboard.picker.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.config.ModelRewrites;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PoolModelsTest {
    static final ModelRewrites SPLIT = new ModelRewrites(List.of(
            new ModelRewrites.Rule(List.of("food-review"), List.of(new ModelRewrites.Target("food-review-v1", 1)), "r0")));

    static String target(String received, String header) {
        return PoolModels.target(received, header, SPLIT, new SplittableRandom(1));
    }

    @Test
    void theHeaderWinsThenTheRuleThenTheModelItself() {
        assertThat(target("food-review", "food-review-v9")).isEqualTo("food-review-v9");
        assertThat(target("other", " food-review-v9 ")).isEqualTo("food-review-v9");
        assertThat(target("food-review", null)).isEqualTo("food-review-v1");
        assertThat(target("other", null)).as("rules match what the pool receives").isEqualTo("other");
        assertThat(target("chat", "")).as("an empty header is no header").isEqualTo("chat");
    }
}
