package dev.switchboard.redis.share;

import dev.switchboard.picker.pool.EndpointLoad;
import java.util.List;

/**
 * One replica's flush: who sends it, its in-flight counts per pool (the whole snapshot, every time, so a lost
 * message costs nothing the next one does not repair), and the prefix blocks it sent since its last flush.
 *
 * @param replica      the sender's random id (a replica ignores its own messages)
 * @param sequence     the sender's message counter (older ones than the last heard are stale)
 * @param sentAtMillis the sender's wall clock when it sent, for the lag metric
 * @param loads        the sender's own requests in flight, per pool and endpoint
 * @param blocks       the prefix blocks it sent, in the order it sent them
 */
record StateMessage(long replica, long sequence, long sentAtMillis, List<PoolLoad> loads, List<Blocks> blocks) {
    StateMessage {
        loads = List.copyOf(loads);
        blocks = List.copyOf(blocks);
    }

    /** One pool's in-flight counts at one replica. */
    record PoolLoad(String pool, List<EndpointLoad> endpoints) {
        PoolLoad {
            endpoints = List.copyOf(endpoints);
        }
    }

    /**
     * A pick's record: the blocks {@code hashes} of a prompt went to {@code endpoint} of {@code pool}, as recorded
     * by the plugin instance {@code learner}.
     */
    record Blocks(String pool, String learner, String endpoint, long[] hashes) {}
}
