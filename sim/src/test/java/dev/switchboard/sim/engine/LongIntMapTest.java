package dev.switchboard.sim.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LongIntMapTest {

    @Test
    void agreesWithHashMapOverARandomRunOfPutsAndRemoves() {
        LongIntMap map = new LongIntMap(4);
        Map<Long, Integer> ref = new HashMap<>();
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 200_000; i++) {
            long key = random.nextLong(2_000); // small key space: many collisions and removals
            if (random.nextInt(3) == 0) {
                map.remove(key);
                ref.remove(key);
            } else {
                int value = random.nextInt(1 << 20);
                map.put(key, value);
                ref.put(key, value);
            }
        }
        assertThat(map.size()).isEqualTo(ref.size());
        for (long key = 0; key < 2_000; key++) {
            assertThat(map.get(key)).isEqualTo(ref.getOrDefault(key, -1));
        }
    }
}
