package dev.switchboard.providers.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseReaderTest {
    @Test
    void eventsSplitAnywhereAndEveryLineEndingAreReadAlike() {
        List<String> seen = new ArrayList<>();
        SseReader r = new SseReader((event, data, off, len) ->
                seen.add(event + "|" + new String(data, off, len, StandardCharsets.UTF_8)));
        byte[] stream = ("event: a\r\ndata: one\r\ndata: two\r\n\r\n: comment\n\ndata: three\r\rid: 7\ndata: four\n\n")
                .getBytes(StandardCharsets.UTF_8);
        for (byte b : stream) {
            r.feed(ByteBuffer.wrap(new byte[] {b}));
        }
        assertThat(seen).containsExactly("a|one\ntwo", "message|three", "message|four");
        assertThat(r.pending()).isFalse();
    }

    @Test
    void aPeerThatNeverEndsItsEventIsCutOffAtTheBound() {
        SseReader r = new SseReader((event, data, off, len) -> { });
        byte[] mib = new byte[1 << 20];
        java.util.Arrays.fill(mib, (byte) 'x');
        r.feed(ByteBuffer.wrap("data: ".getBytes(StandardCharsets.US_ASCII)));
        assertThatThrownBy(() -> {
            for (int i = 0; i < 17; i++) { // one line, never ended: 17 MiB against the 16 MiB bound
                r.feed(ByteBuffer.wrap(mib));
            }
        }).isInstanceOf(IllegalStateException.class).hasMessageContaining("larger than");
    }
}
