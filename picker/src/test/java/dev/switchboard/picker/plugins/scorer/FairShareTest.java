package dev.switchboard.picker.plugins.scorer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FairShareTest {
    @Test
    void demandsThatFitAreNotCut() {
        assertThat(FairShare.level(new int[] {0, 100, 200, 300}, 4, 600)).isEqualTo(Integer.MAX_VALUE);
        assertThat(FairShare.level(new int[] {}, 0, 0)).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void smallDemandsKeepAllTheyAskForAndTheLargeOnesShareTheRestEqually() {
        // 1,000 + 2,000 fit; the 7,000 left go to the two large ones, 3,500 each
        assertThat(FairShare.level(new int[] {Integer.MAX_VALUE, 1_000, 2_000, 5_000}, 4, 10_000)).isEqualTo(3_500);
        // equal demands over the budget: an equal split, rounded down
        assertThat(FairShare.level(new int[] {10, 10, 10}, 3, 20)).isEqualTo(6);
    }

    @Test
    void unusedIdsAskForNothingAndChangeNothing() {
        assertThat(FairShare.level(new int[] {0, 0, 0, 900, 900}, 5, 1_000)).isEqualTo(500);
    }
}
