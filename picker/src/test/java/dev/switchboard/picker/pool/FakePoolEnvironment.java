package dev.switchboard.picker.pool;

import dev.switchboard.picker.flowcontrol.FlowController;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A pool's environment under the test's hand: a clock that moves only when told, a scheduler whose tasks run when
 * the clock passes their time, and a metrics source that hands in whatever page the test gives an endpoint.
 */
final class FakePoolEnvironment {
    private long now = TimeUnit.SECONDS.toNanos(1000);
    private final List<Scheduled> tasks = new ArrayList<>();
    private final Map<String, Consumer<byte[]>> polls = new HashMap<>();
    private final Set<String> stopped = new HashSet<>();

    private record Scheduled(long due, Runnable task) {}

    PoolEnvironment env() {
        MetricsSource metrics = (endpoint, interval, pages) -> {
            polls.put(endpoint.address(), pages);
            stopped.remove(endpoint.address());
            return () -> {
                polls.remove(endpoint.address());
                stopped.add(endpoint.address());
            };
        };
        FlowController.Scheduler scheduler = (task, delayNanos) -> tasks.add(new Scheduled(now + delayNanos, task));
        return new PoolEnvironment(metrics, scheduler, () -> now);
    }

    /** Moves the clock on and runs every task that came due, in time order (tasks may schedule more). */
    void advance(long nanos) {
        long until = now + nanos;
        while (true) {
            Scheduled next = null;
            for (Scheduled s : tasks) {
                if (s.due <= until && (next == null || s.due < next.due)) {
                    next = s;
                }
            }
            if (next == null) {
                break;
            }
            tasks.remove(next);
            now = Math.max(now, next.due);
            next.task.run();
        }
        now = until;
    }

    void advanceMillis(long millis) {
        advance(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    /** A vLLM metrics page for {@code address}, as its poll would deliver it. */
    void vllm(String address, int waiting, int running, double kv) {
        page(address, """
                # TYPE vllm:num_requests_waiting gauge
                vllm:num_requests_waiting{model_name="m"} %d
                vllm:num_requests_running{model_name="m"} %d
                vllm:kv_cache_usage_perc{model_name="m"} %s
                """.formatted(waiting, running, kv));
    }

    /** A vLLM page that also lists the LoRA adapters {@code address} has loaded. */
    void vllmWithAdapters(String address, String running) {
        page(address, """
                vllm:num_requests_waiting{model_name="m"} 0
                vllm:num_requests_running{model_name="m"} 0
                vllm:kv_cache_usage_perc{model_name="m"} 0.1
                vllm:lora_requests_info{max_lora="4",running_lora_adapters="%s",waiting_lora_adapters=""} 1.7e9
                """.formatted(running));
    }

    void page(String address, String text) {
        Consumer<byte[]> sink = polls.get(address);
        if (sink == null) {
            throw new IllegalStateException(address + " is not being polled");
        }
        sink.accept(text.getBytes(StandardCharsets.UTF_8));
    }

    boolean polled(String address) {
        return polls.containsKey(address);
    }

    boolean stopped(String address) {
        return stopped.contains(address);
    }
}
