package dev.switchboard.sim.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.kvevents.KvEvent;
import dev.switchboard.core.kvevents.KvEventBatch;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The simulator's publisher when nobody listens: it must neither hang its engine nor grow without bound. */
class KvEventPublisherTest {
    @Test
    void withNoSubscriberItGivesUpWaitingAndTheEngineNeverBlocksOnIt() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed: nothing listens there
        }
        long start = System.nanoTime();
        try (KvEventPublisher p = new KvEventPublisher("tcp://127.0.0.1:" + port, "kv@x@m")) {
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            assertThat(waited).as("five connections of a second each, then it publishes anyway")
                    .isBetween(Duration.ofMillis(4_500), Duration.ofSeconds(8));

            KvEventBatch batch = new KvEventBatch(0, List.of(new KvEvent.BlockRemoved(new long[] {1}, null)), -1);
            long t0 = System.nanoTime();
            for (int i = 0; i < 20_000; i++) {
                p.accept(batch); // what the engine thread does every step
            }
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("never waits for the socket")
                    .isLessThan(Duration.ofSeconds(2));
            assertThat(p.dropped()).as("beyond the 4,096-batch queue, batches are dropped, not kept")
                    .isGreaterThan(0);
        }
    }
}
