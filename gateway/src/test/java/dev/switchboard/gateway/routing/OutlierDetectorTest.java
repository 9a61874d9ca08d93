package dev.switchboard.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.config.Upstream;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class OutlierDetectorTest {
    final AtomicLong now = new AtomicLong(1_000);
    final OutlierDetector d = new OutlierDetector(now::get);
    final Upstream u = new Upstream("10.0.0.1", 80, null);

    private void fail(int times) {
        for (int i = 0; i < times; i++) {
            d.failure(u);
        }
    }

    @Test
    void ejectsAfterConsecutiveFailuresForAnIntervalThatDoubles() {
        fail(OutlierDetector.CONSECUTIVE_FAILURES - 1);
        assertThat(d.ejected(u)).isFalse();
        fail(1);
        assertThat(d.ejected(u)).isTrue();
        now.addAndGet(OutlierDetector.BASE_EJECTION_NANOS);
        assertThat(d.ejected(u)).isFalse();

        fail(OutlierDetector.CONSECUTIVE_FAILURES);
        now.addAndGet(OutlierDetector.BASE_EJECTION_NANOS);
        assertThat(d.ejected(u)).isTrue(); // second ejection lasts twice as long
        now.addAndGet(OutlierDetector.BASE_EJECTION_NANOS);
        assertThat(d.ejected(u)).isFalse();
    }

    @Test
    void aSuccessResetsTheCount() {
        fail(OutlierDetector.CONSECUTIVE_FAILURES - 1);
        d.success(u);
        fail(OutlierDetector.CONSECUTIVE_FAILURES - 1);
        assertThat(d.ejected(u)).isFalse();
    }

    @Test
    void ejectionIsCapped() {
        for (int i = 0; i < 20; i++) {
            fail(OutlierDetector.CONSECUTIVE_FAILURES);
        }
        now.addAndGet(OutlierDetector.MAX_EJECTION_NANOS);
        assertThat(d.ejected(u)).isFalse();
    }

    @Test
    void aSuccessForgetsTheUpstream() {
        fail(OutlierDetector.CONSECUTIVE_FAILURES);
        assertThat(d.tracked()).isEqualTo(1);
        d.success(u);
        assertThat(d.tracked()).isZero();
        assertThat(d.ejected(u)).isFalse();
    }

    @Test
    void upstreamsThatStoppedFailingLongAgoAreForgotten() {
        for (int port = 1; port <= 100; port++) { // upstreams that failed once or were ejected, then left the config
            Upstream gone = new Upstream("10.0.0.2", port, null);
            for (int i = 0; i < port % (OutlierDetector.CONSECUTIVE_FAILURES + 1); i++) {
                d.failure(gone);
            }
        }
        assertThat(d.tracked()).isEqualTo(75);
        now.addAndGet(OutlierDetector.MAX_EJECTION_NANOS + OutlierDetector.FORGET_AFTER_NANOS);
        fail(1); // any later failure sweeps
        assertThat(d.tracked()).as("only the upstream failing now").isEqualTo(1);
    }

    @Test
    void anUpstreamThatFailedRecentlyIsKept() {
        fail(1);
        Upstream recent = new Upstream("10.0.0.3", 80, null);
        now.addAndGet(OutlierDetector.FORGET_AFTER_NANOS / 2);
        d.failure(recent);
        now.addAndGet(OutlierDetector.FORGET_AFTER_NANOS / 2 + 1);
        d.failure(new Upstream("10.0.0.4", 80, null)); // sweeps: u is forgotten, the recent one is not
        assertThat(d.tracked()).isEqualTo(2);
        fail(OutlierDetector.CONSECUTIVE_FAILURES - 1);
        assertThat(d.ejected(u)).as("u's old failure no longer counts").isFalse();
    }
}
