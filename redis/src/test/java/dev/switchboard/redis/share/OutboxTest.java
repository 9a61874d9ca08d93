package dev.switchboard.redis.share;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutboxTest {
    static StateMessage.Blocks record(int hashes) {
        return new StateMessage.Blocks("chat", "prefix", "10.0.0.1:8000", new long[hashes]);
    }

    @Test
    void dropsAndCountsWhatWouldPassTheBoundAndTakesOldestFirstWithinAMessage() {
        Outbox box = new Outbox(100);
        box.offer(record(60));
        box.offer(record(50)); // 110 > 100: dropped
        box.offer(record(40));

        assertThat(box.dropped()).isEqualTo(1);
        assertThat(box.queuedHashes()).isEqualTo(100);

        int one = StateCodec.recordSize(record(60));
        assertThat(box.take(one)).extracting(r -> r.hashes().length).containsExactly(60); // the next would not fit
        assertThat(box.take(1)).extracting(r -> r.hashes().length).containsExactly(40); // one always goes
        assertThat(box.isEmpty()).isTrue();
        assertThat(box.queuedHashes()).isZero();
        box.offer(record(100));
        assertThat(box.dropped()).isEqualTo(1);
    }
}
