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
}
