package dev.switchboard.providers.eventstream;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Splits an AWS event stream into messages as its chunks arrive, checking both checksums of every frame.
 *
 * <p>A frame: total length (4 bytes, big-endian, the whole frame), headers length (4), CRC32 of those 8 bytes (4),
 * the headers, the payload, and a CRC32 of everything before it (4). A header: name length (1 byte), name (ASCII),
 * value type (1), value. Value types: 0 true and 1 false (no bytes), 2 byte, 3 short, 4 int, 5 long, 6 bytes and
 * 7 string (2-byte length + bytes; a string is UTF-8), 8 timestamp (8, milliseconds), 9 UUID (16).
 */
public final class EventStreamDecoder {
    /*
     * Problem: frames arrive split anywhere over TCP chunks, and a stream may carry thousands of them (one per text
     * delta), so per-frame allocation and copying matter.
     * Approach: bytes go into one array reused for the whole stream; a complete frame is decoded in place there and
     * its payload handed to the listener as a range of that array. The three headers a caller needs are the only ones
     * read as values; their Strings come from a small cache keyed by their bytes, so a steady stream allocates nothing.
     * The prelude's checksum is checked as soon as its 12 bytes are in, so a garbage body fails before we wait for a
     * length it made up.
     * Cost: one copy of each byte into the buffer, two CRC32 passes (intrinsified), no allocation per frame once the
     * buffer has grown to the largest frame and the header values have been seen.
     */

    /** Receives each message. Arguments are valid during the call only. */
    public interface Listener {
        /**
         * An {@code event} or {@code exception} message (or one with no {@code :message-type}, passed as null).
         *
         * @param messageType {@code :message-type}: {@code event}, {@code exception}, or null when absent
         * @param type        {@code :event-type} for an event, {@code :exception-type} for an exception; or null
         * @param payload     the payload's bytes are {@code [offset, offset + length)}
         */
        void onMessage(String messageType, String type, byte[] payload, int offset, int length);

        /**
         * A {@code :message-type error} message: the service failed the stream (its reason is in the headers, not
         * the payload).
         *
         * @param code    {@code :error-code}, or null
         * @param message {@code :error-message}, or null
         */
        void onError(String code, String message);
    }

    /** Prelude: total length, headers length, prelude CRC. */
    static final int PRELUDE = 12;
    /** Prelude plus the message CRC: the smallest frame. */
    static final int MIN_FRAME = PRELUDE + 4;
    /** The largest frame accepted (AWS's own limit is 16 MiB + headers); more is a peer gone wrong. */
    static final int MAX_FRAME = 24 << 20;
    /** The largest headers section AWS allows. */
    static final int MAX_HEADERS = 128 << 10;

    private final Listener listener;
    private final CRC32 crc = new CRC32();
    private final HeaderStrings messageTypes = new HeaderStrings();
    private final HeaderStrings types = new HeaderStrings();
    private byte[] buf = new byte[1024];
    private int start;
    private int end;
    /** The frame at {@code start}'s total length once its prelude has been checked, else 0. */
    private int frameLength;
    private boolean failed;

    public EventStreamDecoder(Listener listener) {
        this.listener = listener;
    }

    /**
     * Consumes {@code chunk}'s remaining bytes (its position is left unchanged), calling the listener for every frame
     * it completes.
     *
     * @throws EventStreamException on a bad checksum or a malformed frame; the decoder ignores input after one
     */
    public void feed(ByteBuffer chunk) {
        if (failed) {
            return;
        }
        append(chunk);
        try {
            while (nextFrame()) {
                // each completed frame went to the listener
            }
        } catch (EventStreamException e) {
            failed = true;
            throw e;
        }
        if (start == end) {
            start = end = 0;
        }
    }

    /** Whether part of a frame is waiting for more bytes (the stream was cut if it ends now). */
    public boolean pending() {
        return end > start && !failed;
    }

    private void append(ByteBuffer chunk) {
        int n = chunk.remaining();
        if (end + n > buf.length) {
            int kept = end - start;
            if (kept + n <= buf.length && start > 0) {
                System.arraycopy(buf, start, buf, 0, kept); // room enough once the consumed frames are dropped
            } else {
                byte[] grown = new byte[Math.max(buf.length * 2, kept + n)];
                System.arraycopy(buf, start, grown, 0, kept);
                buf = grown;
            }
            start = 0;
            end = kept;
        }
        chunk.get(chunk.position(), buf, end, n); // absolute: no view object, the position unchanged
        end += n;
    }

    /** Decodes the frame at {@code start} if it is complete; false when it needs more bytes. */
    private boolean nextFrame() {
        int available = end - start;
        if (frameLength == 0) {
            if (available < PRELUDE) {
                return false;
            }
            frameLength = checkPrelude();
        }
        if (available < frameLength) {
            return false;
        }
        int f = start;
        int total = frameLength;
        crc.reset();
        crc.update(buf, f, total - 4);
        int expected = readInt(buf, f + total - 4);
        if ((int) crc.getValue() != expected) {
            throw new EventStreamException(String.format(
                    "event-stream frame checksum mismatch: computed %08x, frame says %08x", (int) crc.getValue(),
                    expected));
        }
        int headersLength = readInt(buf, f + 4);
        start += total;
        frameLength = 0;
        dispatch(f, headersLength, total); // last: the listener may not see a half-updated decoder
        return true;
    }

    private int checkPrelude() {
        int total = readInt(buf, start);
        int headersLength = readInt(buf, start + 4);
        crc.reset();
        crc.update(buf, start, 8);
        int expected = readInt(buf, start + 8);
        if ((int) crc.getValue() != expected) {
            throw new EventStreamException(String.format(
                    "event-stream prelude checksum mismatch: computed %08x, frame says %08x (not an event stream?)",
                    (int) crc.getValue(), expected));
        }
        if (total < MIN_FRAME || total > MAX_FRAME) {
            throw new EventStreamException("event-stream frame length " + Integer.toUnsignedString(total)
                    + " is out of range [" + MIN_FRAME + ", " + MAX_FRAME + "]");
        }
        if (headersLength < 0 || headersLength > MAX_HEADERS || headersLength > total - MIN_FRAME) {
            throw new EventStreamException("event-stream headers length " + Integer.toUnsignedString(headersLength)
                    + " does not fit a frame of " + total + " bytes");
        }
        return total;
    }

    /** Reads the headers of the frame at {@code f} and hands it to the listener. */
    private void dispatch(int f, int headersLength, int total) {
        String messageType = null;
        String type = null;
        String errorCode = null;
        String errorMessage = null;
        int p = f + PRELUDE;
        int headersEnd = p + headersLength;
        while (p < headersEnd) {
            int nameLength = buf[p++] & 0xff;
            int name = p;
            p += nameLength;
            if (p >= headersEnd) {
                throw new EventStreamException("event-stream header runs past its frame's headers");
            }
            int valueType = buf[p++];
            int valueLength = valueLength(valueType, p, headersEnd);
            int value = valueType == 6 || valueType == 7 ? p + 2 : p;
            p += valueLength;
            if (p > headersEnd) {
                throw new EventStreamException("event-stream header value runs past its frame's headers");
            }
            if (valueType != 7) {
                continue; // the headers we act on are strings; others are parsed only to be skipped
            }
            int len = p - value;
            if (is(name, nameLength, ":message-type")) {
                messageType = messageTypes.of(buf, value, len);
            } else if (is(name, nameLength, ":event-type") || is(name, nameLength, ":exception-type")) {
                type = types.of(buf, value, len);
            } else if (is(name, nameLength, ":error-code")) {
                errorCode = types.of(buf, value, len);
            } else if (is(name, nameLength, ":error-message")) {
                errorMessage = new String(buf, value, len, StandardCharsets.UTF_8); // rare
            }
        }
        if ("error".equals(messageType)) {
            listener.onError(errorCode, errorMessage);
        } else {
            listener.onMessage(messageType, type, buf, headersEnd, f + total - 4 - headersEnd);
        }
    }

    /** The bytes header value {@code type} takes at {@code p}, its length prefix included. */
    private int valueLength(int type, int p, int headersEnd) {
        return switch (type) {
            case 0, 1 -> 0;
            case 2 -> 1;
            case 3 -> 2;
            case 4 -> 4;
            case 5, 8 -> 8;
            case 9 -> 16;
            case 6, 7 -> {
                if (p + 2 > headersEnd) {
                    throw new EventStreamException("event-stream header value length runs past its frame's headers");
                }
                yield 2 + (((buf[p] & 0xff) << 8) | (buf[p + 1] & 0xff));
            }
            default -> throw new EventStreamException("event-stream header value type " + type + " is unknown");
        };
    }

    private boolean is(int off, int len, String word) {
        if (len != word.length()) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (buf[off + i] != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    static int readInt(byte[] b, int p) {
        return ((b[p] & 0xff) << 24) | ((b[p + 1] & 0xff) << 16) | ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
    }

    @Override
    public String toString() {
        return "EventStreamDecoder[" + (end - start) + " bytes pending" + (failed ? ", failed" : "") + "]";
    }
}
