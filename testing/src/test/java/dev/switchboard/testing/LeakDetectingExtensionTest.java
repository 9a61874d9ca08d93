package dev.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

class LeakDetectingExtensionTest {

    @Test
    void aBufferDroppedWithoutReleaseIsReported() throws InterruptedException {
        LeakDetectingExtension.collectLeaks(); // start clean
        leak();
        assertThat(LeakDetectingExtension.collectLeaks()).anySatisfy(l -> assertThat(l).startsWith("LEAK: ByteBuf"));
    }

    @Test
    void releasedBuffersAreNotReported() throws InterruptedException {
        LeakDetectingExtension.collectLeaks();
        ByteBuf ok = PooledByteBufAllocator.DEFAULT.buffer(16).writeLong(1);
        ok.release();
        assertThat(LeakDetectingExtension.collectLeaks()).isEmpty();
    }

    private static void leak() {
        PooledByteBufAllocator.DEFAULT.buffer(16).writeLong(42); // dropped: never released
    }
}
