package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.bench.report.PrefixCacheCounters;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SideRequestsTest {
    private static List<PrefixCacheCounters> pages(PrefixCacheCounters... counters) {
        return Arrays.asList(counters);
    }

    @Test
    void deltaSumsThePagesReadBothTimes() {
        List<PrefixCacheCounters> before = pages(new PrefixCacheCounters(10, 100), null, new PrefixCacheCounters(0, 0));
        List<PrefixCacheCounters> after = pages(new PrefixCacheCounters(30, 200), new PrefixCacheCounters(999, 999),
                new PrefixCacheCounters(50, 100));
        assertThat(SideRequests.delta(before, after)).isEqualTo(new PrefixCacheCounters(70, 200));
    }

    @Test
    void noVllmPageMeansNoFigure() {
        assertThat(SideRequests.delta(pages(null, null), pages(null, new PrefixCacheCounters(1, 2)))).isNull();
    }
}
