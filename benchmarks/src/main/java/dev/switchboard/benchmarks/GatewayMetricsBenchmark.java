package dev.switchboard.benchmarks;

import dev.switchboard.core.config.Backend;
import dev.switchboard.core.config.BackendRef;
import dev.switchboard.core.config.Upstream;
import dev.switchboard.core.model.UsageTail;
import dev.switchboard.gateway.admin.GatewayMetrics;
import dev.switchboard.gateway.handler.RequestInfo;
import dev.switchboard.gateway.routing.Attempt;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What recording one finished request costs the event loop: {@link GatewayMetrics#request} for a streamed chat
 * completion with usage (duration, time to first token, input and output tokens, time per output token), cycling
 * over 8 models and 2 statuses so the label lookups are not all for one series.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class GatewayMetricsBenchmark {
    GatewayMetrics metrics;
    RequestInfo[] requests;
    Attempt attempt;
    UsageTail.Usage usage;
    int next;

    @Setup
    public void setUp() {
        metrics = new GatewayMetrics();
        requests = new RequestInfo[8];
        for (int i = 0; i < requests.length; i++) {
            requests[i] = new RequestInfo("req", "/v1/chat/completions", "model-" + i, true, 0, 0, 0, true, 0, 0, 512);
        }
        Upstream upstream = new Upstream("10.0.0.1", 8000, null);
        attempt = new Attempt(new BackendRef(new Backend("pool-a", "OpenAI", List.of(upstream), null), 1, 0, null, null),
                upstream);
        usage = new UsageTail.Usage(1200, 150, 0);
    }

    @Benchmark
    public void request() {
        int i = next++;
        metrics.request(requests[i & 7], attempt, (i & 8) == 0 ? 200 : 429, 2_000_000_000L, 150_000_000L, usage);
    }
}
