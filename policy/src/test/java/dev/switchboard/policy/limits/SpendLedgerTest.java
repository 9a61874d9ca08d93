package dev.switchboard.policy.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpendLedgerTest {
    static final Limit TOKENS = new Limit("p/a/tokens", "principal 'a'", Limit.Kind.TOKENS, 1000, 60_000,
            TokenType.TOTAL);
    static final Limit BUDGET = new Limit("p/a/budget", "principal 'a'", Limit.Kind.BUDGET, 10_000, 86_400_000,
            TokenType.TOTAL);

    @Test
    void budgetsAddUpPerWindowAndRatesKeepOnlyWhatIsStillInTheirMinute() {
        SpendLedger ledger = new SpendLedger();
        ledger.charged(BUDGET, 7, 3000);
        ledger.charged(BUDGET, 7, -500);     // a settlement's refund
        ledger.charged(BUDGET, 8, 100);      // the next window
        ledger.charged(TOKENS, 1_000, 600);  // 600 tokens at t = 1 s: 36,000,000 token-ms
        ledger.charged(TOKENS, 2_000, -100); // refund at 2 s: drained 1,000,000 meanwhile
        assertThat(ledger.isEmpty()).isFalse();
        // level: 36,000,000 - 1,000,000 drained - 6,000,000 refunded = 29,000,000 at 2 s; 10 s later 19,000,000
        List<SpendLedger.Spend> spends = ledger.drain(12_000);
        assertThat(spends).containsExactlyInAnyOrder(
                new SpendLedger.Spend(BUDGET, 7, 2500, 12_000),
                new SpendLedger.Spend(BUDGET, 8, 100, 12_000),
                new SpendLedger.Spend(TOKENS, 0, 19_000_000, 12_000));
        assertThat(ledger.isEmpty()).isTrue();
    }

    @Test
    void aDrainedRateIsNotHandedOverAndARestoreGivesBackWhatWasTaken() {
        SpendLedger ledger = new SpendLedger();
        ledger.charged(TOKENS, 0, 10);        // 600,000 token-ms: empty after 600 ms
        ledger.charged(BUDGET, 1, 42);
        assertThat(ledger.drain(600)).containsExactly(new SpendLedger.Spend(BUDGET, 1, 42, 600));
        ledger.restore(List.of(new SpendLedger.Spend(BUDGET, 1, 42, 600),
                new SpendLedger.Spend(TOKENS, 0, 120_000, 600)));
        assertThat(ledger.drain(600)).containsExactlyInAnyOrder(new SpendLedger.Spend(BUDGET, 1, 42, 600),
                new SpendLedger.Spend(TOKENS, 0, 120_000, 600));
    }

    /**
     * A charge racing a hand-over lands in the drained spend or in the ledger, never in neither: a charge that
     * found the entry just before a drain removed it must not add to the removed entry afterwards. Two threads
     * charge 1 µ$ at a time while this one drains; what was drained plus what is left is what was charged.
     */
    @Test
    void aChargeRacingADrainIsNeverLost() throws Exception {
        SpendLedger ledger = new SpendLedger();
        int perThread = 300_000;
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(2);
        for (int t = 0; t < 2; t++) {
            Thread.ofPlatform().start(() -> {
                for (int i = 0; i < perThread; i++) {
                    ledger.charged(BUDGET, 1, 1);
                }
                done.countDown();
            });
        }
        long drained = 0;
        while (done.getCount() > 0) {
            drained += ledger.drain(0).stream().mapToLong(SpendLedger.Spend::scaled).sum();
        }
        drained += ledger.drain(0).stream().mapToLong(SpendLedger.Spend::scaled).sum();
        assertThat(drained).isEqualTo(2L * perThread);
    }
}
