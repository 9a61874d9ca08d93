package dev.switchboard.bench.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseDecoderTest {
    private final SseDecoder decoder = new SseDecoder();
    private final List<String> events = new ArrayList<>();
    private final SseDecoder.Listener listener =
            (data, off, len) -> events.add(new String(data, off, len, StandardCharsets.UTF_8));

    private void feed(String text) {
        ByteBuf buf = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
        try {
            int before = buf.readerIndex();
            decoder.feed(buf, listener);
            assertThat(buf.readerIndex()).as("borrowed buffer is not advanced").isEqualTo(before);
        } finally {
            buf.release();
        }
    }

    @Test
    void eventsSplitAtEveryByteBoundary() {
        String stream = "data: {\"a\":1}\n\ndata: {\"b\":\"é\"}\n\ndata: [DONE]\n\n";
        byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
        for (int cut = 1; cut < bytes.length; cut++) {
            events.clear();
            SseDecoder d = new SseDecoder();
            ByteBuf first = Unpooled.wrappedBuffer(bytes, 0, cut);
            ByteBuf second = Unpooled.wrappedBuffer(bytes, cut, bytes.length - cut);
            try {
                d.feed(first, listener);
                d.feed(second, listener);
            } finally {
                first.release();
                second.release();
            }
            assertThat(events).as("cut at %d", cut).containsExactly("{\"a\":1}", "{\"b\":\"é\"}", "[DONE]");
        }
    }

    @Test
    void oneByteAtATime() {
        for (char c : "data: x\n\ndata: y\n\n".toCharArray()) {
            feed(String.valueOf(c));
        }
        assertThat(events).containsExactly("x", "y");
    }

    @Test
    void manyEventsInOneChunk() {
        feed("data: 1\n\ndata: 2\n\ndata: 3\n\ndata: 4");
        assertThat(events).containsExactly("1", "2", "3");
        feed("\n\n");
        assertThat(events).containsExactly("1", "2", "3", "4");
    }

    @Test
    void crlfCommentsOtherFieldsAndMultiLineData() {
        feed(": ping\r\nevent: message\r\nid: 7\r\ndata: first\r\ndata:second\r\nretry: 10\r\n\r\n");
        assertThat(events).containsExactly("first\nsecond");
    }

    @Test
    void blankLinesWithoutDataDispatchNothing() {
        feed("\n\n: keep-alive\n\n");
        assertThat(events).isEmpty();
    }

    @Test
    void endFlushesAnEventMissingItsBlankLine() {
        feed("data: last");
        assertThat(events).isEmpty();
        decoder.end(listener);
        assertThat(events).containsExactly("last");
    }

    @Test
    void dataWithoutValueIsAnEmptyEvent() {
        feed("data\n\n");
        assertThat(events).containsExactly("");
    }

    @Test
    void aRunawayLineFails() {
        byte[] big = new byte[SseDecoder.MAX_LINE_BYTES / 4];
        java.util.Arrays.fill(big, (byte) 'x');
        ByteBuf chunk = Unpooled.wrappedBuffer(big);
        try {
            assertThatThrownBy(() -> {
                for (int i = 0; i < 5; i++) {
                    decoder.feed(chunk, listener);
                }
            }).isInstanceOf(IllegalStateException.class).hasMessageContaining("longer than");
        } finally {
            chunk.release();
        }
    }
}
