package dev.switchboard.redis.share;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.picker.pool.EndpointLoad;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class StateCodecTest {
    static StateMessage message() {
        return new StateMessage(0x1234_5678_9abc_def0L, 42, 1_700_000_000_123L,
                List.of(new StateMessage.PoolLoad("chat", List.of(new EndpointLoad("10.0.0.1:8000", 3, 3000, 1, 900),
                        new EndpointLoad("10.0.0.2:8000", 1, 12, 0, 0))), new StateMessage.PoolLoad("é-pool", List.of())),
                List.of(new StateMessage.Blocks("chat", "predicted-ttft", "10.0.0.1:8000", new long[] {-1, 0, 7,
                        Long.MAX_VALUE}), new StateMessage.Blocks("chat", "prefix", "10.0.0.2:8000", new long[0])));
    }

    @Test
    void aMessageRoundTripsWithEveryField() {
        StateMessage m = message();
        byte[] bytes = StateCodec.encode(m);

        StateMessage back = StateCodec.decode(bytes);

        assertThat(bytes).hasSize(StateCodec.size(m));
        assertThat(back.replica()).isEqualTo(m.replica());
        assertThat(back.sequence()).isEqualTo(42);
        assertThat(back.sentAtMillis()).isEqualTo(1_700_000_000_123L);
        assertThat(back.loads()).isEqualTo(m.loads());
        assertThat(back.blocks()).hasSize(2);
        assertThat(back.blocks().get(0).hashes()).containsExactly(-1, 0, 7, Long.MAX_VALUE);
        assertThat(back.blocks().get(0).learner()).isEqualTo("predicted-ttft");
        assertThat(back.blocks().get(1).hashes()).isEmpty();
    }

    @Test
    void everyTruncationIsRefusedAsUnreadable() {
        byte[] bytes = StateCodec.encode(message());
        for (int n = 0; n < bytes.length; n++) {
            byte[] cut = Arrays.copyOf(bytes, n);
            assertThatThrownBy(() -> StateCodec.decode(cut)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void anotherVersionTrailingBytesOrAHugeCountAreRefused() {
        byte[] bytes = StateCodec.encode(message());
        byte[] version = bytes.clone();
        version[2] = 2;
        byte[] trailing = Arrays.copyOf(bytes, bytes.length + 1);
        byte[] huge = StateCodec.encode(new StateMessage(1, 1, 1, List.of(), List.of()));
        huge[27] = (byte) 0xFF; // the pool count: 65,535 pools claimed in 2 bytes left
        huge[28] = (byte) 0xFF;

        assertThatThrownBy(() -> StateCodec.decode(version)).hasMessageContaining("version");
        assertThatThrownBy(() -> StateCodec.decode(trailing)).hasMessageContaining("after the message");
        assertThatThrownBy(() -> StateCodec.decode(huge)).hasMessageContaining("does not fit");
    }
}
