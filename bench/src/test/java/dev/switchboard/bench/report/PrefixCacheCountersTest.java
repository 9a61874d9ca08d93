package dev.switchboard.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrefixCacheCountersTest {
    @Test
    void sumsEverySeriesOfBothCounters() {
        String page = """
                # HELP vllm:prefix_cache_queries_total Prefix cache queries.
                # TYPE vllm:prefix_cache_queries_total counter
                vllm:prefix_cache_queries_total{engine="0",model_name="m"} 1000.0
                vllm:prefix_cache_queries_total{engine="1",model_name="odd } name"} 500
                vllm:prefix_cache_hits_total{engine="0",model_name="m"} 600.0 1700000000000
                vllm:prefix_cache_hits_total{engine="1",model_name="m"} 1.5e2
                vllm:prefix_cache_hits_total_created{engine="0"} 1.7e9
                vllm:prefix_cache_queries_totalish 99
                vllm:num_requests_running{engine="0"} 3
                """;
        assertThat(PrefixCacheCounters.parse(page)).isEqualTo(new PrefixCacheCounters(750, 1500));
    }

    @Test
    void absentWhenThePageHasNoVllmCounters() {
        assertThat(PrefixCacheCounters.parse("# nothing\nsome_metric 1\n")).isNull();
        assertThat(PrefixCacheCounters.parse("")).isNull();
    }

    @Test
    void deltaAndRate() {
        PrefixCacheCounters d = new PrefixCacheCounters(80, 200).minus(new PrefixCacheCounters(20, 100));
        assertThat(d).isEqualTo(new PrefixCacheCounters(60, 100));
        assertThat(d.hitRate()).isEqualTo(0.6);
        assertThat(PrefixCacheCounters.ZERO.hitRate()).isNaN();
    }
}
