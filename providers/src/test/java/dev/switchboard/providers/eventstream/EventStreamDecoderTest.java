package dev.switchboard.providers.eventstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.providers.wire.ByteSink;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class EventStreamDecoderTest {

    /** Frames from awslabs/aws-c-event-stream's tests/message_deserializer_test.c (AWS's own published vectors). */
    static final byte[] AWS_NO_OP = hex("00000010 00000000 05c248eb 7d98c8ff");
    static final byte[] AWS_NO_HEADERS = hex("0000001D 00000000 fd528c5a 7b27666f6f273a27626172277d c3653936");
    static final byte[] AWS_ONE_HEADER = hex("0000003D 00000020 07FD8396 0C" + ascii("content-type") + "07 0010"
            + ascii("application/json") + "7b27666f6f273a27626172277d 8D9C08B1");

    /** Records each message as a line: {@code messageType/type/payload}, or {@code error/code/message}. */
    static final class Lines implements EventStreamDecoder.Listener {
        final List<String> lines = new ArrayList<>();
        final List<String> types = new ArrayList<>();

        @Override
        public void onMessage(String messageType, String type, byte[] payload, int offset, int length) {
            lines.add(messageType + "/" + type + "/" + new String(payload, offset, length, StandardCharsets.UTF_8));
            types.add(type);
        }

        @Override
        public void onError(String code, String message) {
            lines.add("error/" + code + "/" + message);
        }
    }

    private static List<String> decode(byte[] body, int chunk) {
        Lines l = new Lines();
        EventStreamDecoder d = new EventStreamDecoder(l);
        for (int i = 0; i < body.length; i += chunk) {
            d.feed(ByteBuffer.wrap(body, i, Math.min(chunk, body.length - i)));
        }
        assertThat(d.pending()).as("bytes left over").isFalse();
        return l.lines;
    }

    @Test
    void decodesAwsPublishedFrames() {
        assertThat(decode(AWS_NO_OP, 16)).containsExactly("null/null/");
        assertThat(decode(AWS_NO_HEADERS, 100)).containsExactly("null/null/{'foo':'bar'}");
        assertThat(decode(AWS_ONE_HEADER, 100)).containsExactly("null/null/{'foo':'bar'}");
    }

    @Test
    void encoderWritesAwsPublishedFramesByteForByte() {
        ByteSink out = new ByteSink();
        EventStreamEncoder enc = new EventStreamEncoder();
        byte[] foo = "{'foo':'bar'}".getBytes(StandardCharsets.US_ASCII);
        enc.begin(out).payload(new byte[0], 0, 0);
        assertThat(out.toByteArray()).isEqualTo(AWS_NO_OP);
        out.reset();
        enc.begin(out).payload(foo, 0, foo.length);
        assertThat(out.toByteArray()).isEqualTo(AWS_NO_HEADERS);
        out.reset();
        enc.begin(out).string("content-type", "application/json").payload(foo, 0, foo.length);
        assertThat(out.toByteArray()).isEqualTo(AWS_ONE_HEADER);
    }

    @Test
    void splitAnywhereIncludingOneByteChunks() {
        ByteSink out = new ByteSink();
        EventStreamEncoder enc = new EventStreamEncoder();
        for (int i = 0; i < 5; i++) {
            byte[] json = ("{\"delta\":{\"text\":\"part " + i + "\"},\"contentBlockIndex\":0}")
                    .getBytes(StandardCharsets.UTF_8);
            enc.event(out, i == 4 ? "messageStop" : "contentBlockDelta", json, 0, json.length);
        }
        byte[] body = out.toByteArray();
        List<String> whole = decode(body, body.length);
        assertThat(whole).hasSize(5).first()
                .isEqualTo("event/contentBlockDelta/{\"delta\":{\"text\":\"part 0\"},\"contentBlockIndex\":0}");
        assertThat(whole.get(4)).startsWith("event/messageStop/");
        for (int chunk : new int[] {1, 2, 3, 7, 13, 64}) {
            assertThat(decode(body, chunk)).as("chunk %d", chunk).isEqualTo(whole);
        }
    }

    @Test
    void headerStringsAreReusedAcrossFrames() {
        ByteSink out = new ByteSink();
        EventStreamEncoder enc = new EventStreamEncoder();
        byte[] json = "{}".getBytes(StandardCharsets.UTF_8);
        enc.event(out, "contentBlockDelta", json, 0, 2);
        enc.event(out, "contentBlockStop", json, 0, 2);
        enc.event(out, "contentBlockDelta", json, 0, 2);
        Lines l = new Lines();
        new EventStreamDecoder(l).feed(out.view());
        assertThat(l.types.get(2)).isSameAs(l.types.get(0));
    }

    @Test
    void skipsEveryHeaderValueType() {
        ByteSink out = new ByteSink();
        byte[] json = "{\"x\":1}".getBytes(StandardCharsets.UTF_8);
        new EventStreamEncoder().begin(out).bool("t", true).bool("f", false).int8("b", (byte) -1)
                .int16("s", (short) 300).int32("i", 70000).int64("l", 1L << 40).bytes("raw", new byte[] {1, 2, 3})
                .timestamp("ts", 1_700_000_000_000L).uuid("id", 0x0123456789abcdefL, 0xfedcba9876543210L)
                .string(":message-type", "event").string(":event-type", "metadata").payload(json, 0, json.length);
        byte[] body = out.toByteArray();
        assertThat(decode(body, 1)).containsExactly("event/metadata/{\"x\":1}");
    }

    @Test
    void exceptionAndErrorMessages() {
        ByteSink out = new ByteSink();
        EventStreamEncoder enc = new EventStreamEncoder();
        byte[] json = "{\"message\":\"Too many requests\"}".getBytes(StandardCharsets.UTF_8);
        enc.exception(out, "throttlingException", json, 0, json.length);
        enc.begin(out).string(":message-type", "error").string(":error-code", "InternalFailure")
                .string(":error-message", "boom").payload(new byte[0], 0, 0);
        assertThat(decode(out.toByteArray(), 5)).containsExactly(
                "exception/throttlingException/{\"message\":\"Too many requests\"}", "error/InternalFailure/boom");
    }

    @Test
    void badMessageChecksumIsAClearError() {
        byte[] body = AWS_ONE_HEADER.clone();
        body[30] ^= 1; // a header byte: only the message CRC covers it
        Lines l = new Lines();
        EventStreamDecoder d = new EventStreamDecoder(l);
        assertThatThrownBy(() -> d.feed(ByteBuffer.wrap(body))).isInstanceOf(EventStreamException.class)
                .hasMessageContaining("frame checksum mismatch").hasMessageContaining("8d9c08b1");
        assertThat(l.lines).isEmpty();
        d.feed(ByteBuffer.wrap(AWS_NO_OP)); // ignored after the failure
        assertThat(l.lines).isEmpty();
    }

    @Test
    void badPreludeChecksumFailsBeforeTheFrameArrives() {
        byte[] body = AWS_NO_HEADERS.clone();
        body[3] = 0x7f; // a made-up length: we must not wait for it
        EventStreamDecoder d = new EventStreamDecoder(new Lines());
        assertThatThrownBy(() -> d.feed(ByteBuffer.wrap(body, 0, 12))).isInstanceOf(EventStreamException.class)
                .hasMessageContaining("prelude checksum mismatch");
    }

    @Test
    void htmlBodyIsNotAnEventStream() {
        byte[] html = "<html><body>502 Bad Gateway</body></html>".getBytes(StandardCharsets.US_ASCII);
        EventStreamDecoder d = new EventStreamDecoder(new Lines());
        assertThatThrownBy(() -> d.feed(ByteBuffer.wrap(html))).isInstanceOf(EventStreamException.class);
    }

    @Test
    void truncatedFrameIsPending() {
        Lines l = new Lines();
        EventStreamDecoder d = new EventStreamDecoder(l);
        d.feed(ByteBuffer.wrap(AWS_NO_HEADERS));
        d.feed(ByteBuffer.wrap(AWS_ONE_HEADER, 0, AWS_ONE_HEADER.length - 1));
        assertThat(l.lines).hasSize(1);
        assertThat(d.pending()).isTrue();
        d.feed(ByteBuffer.wrap(AWS_ONE_HEADER, AWS_ONE_HEADER.length - 1, 1));
        assertThat(l.lines).hasSize(2);
        assertThat(d.pending()).isFalse();
    }

    @Test
    void frameLargerThanTheBufferGrowsIt() {
        byte[] big = "y".repeat(100_000).getBytes(StandardCharsets.US_ASCII);
        ByteSink out = new ByteSink();
        new EventStreamEncoder().event(out, "chunk", big, 0, big.length);
        List<String> lines = decode(out.toByteArray(), 4096);
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).hasSize("event/chunk/".length() + big.length);
    }

    @Test
    void headerRunningPastItsSectionIsAnError() {
        // a frame whose headers length (2) cuts the header "a" (name length 1, type 7) in the middle
        byte[] frame = frame(hex("01 61 07"), 2);
        EventStreamDecoder d = new EventStreamDecoder(new Lines());
        assertThatThrownBy(() -> d.feed(ByteBuffer.wrap(frame))).isInstanceOf(EventStreamException.class)
                .hasMessageContaining("header");
    }

    /** A frame of {@code content} (headers then payload) claiming {@code headersLength}, with correct checksums. */
    private static byte[] frame(byte[] content, int headersLength) {
        int total = 16 + content.length;
        ByteBuffer b = ByteBuffer.allocate(total);
        b.putInt(total).putInt(headersLength);
        CRC32 c = new CRC32();
        c.update(b.array(), 0, 8);
        b.putInt((int) c.getValue()).put(content);
        c.reset();
        c.update(b.array(), 0, total - 4);
        b.putInt((int) c.getValue());
        return b.array();
    }

    static byte[] hex(String s) {
        String h = s.replace(" ", "");
        byte[] b = new byte[h.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(h, 2 * i, 2 * i + 2, 16);
        }
        return b;
    }

    private static String ascii(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(String.format("%02x", (int) c));
        }
        return b.toString();
    }
}
