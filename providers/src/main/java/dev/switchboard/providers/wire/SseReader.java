package dev.switchboard.providers.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Splits a server-sent-events stream into events as its chunks arrive (the WHATWG event-stream rules: lines end in
 * LF, CRLF or CR; {@code data} lines join with LF; a blank line dispatches; comments and {@code id}/{@code retry} are
 * skipped). A partial line waits for the next chunk in a buffer reused for the whole stream, so a stream of small
 * events costs no allocation per chunk; an event name is only made a String when it differs from the last one.
 */
public final class SseReader {
    /** Receives each complete event. */
    public interface Listener {
        /**
         * @param event the {@code event:} field, or {@code "message"} when there was none
         * @param data  the data bytes {@code [offset, offset+length)}, valid during the call only
         */
        void onEvent(String event, byte[] data, int offset, int length);
    }

    private static final int MAX_EVENT_BYTES = 16 << 20;

    private final Listener listener;
    private final ByteSink line = new ByteSink(512);
    private final ByteSink data = new ByteSink(512);
    private boolean hasData;
    private String event;
    private byte[] lastEventBytes = new byte[0];
    private String lastEvent = "message";
    private boolean lastWasCr;

    public SseReader(Listener listener) {
        this.listener = listener;
    }

    /**
     * Consumes {@code chunk}'s remaining bytes (its position is left unchanged).
     *
     * @throws IllegalStateException when one event grows past 16 MiB (a peer that never ends its event)
     */
    public void feed(ByteBuffer chunk) {
        // absolute reads (the array itself when there is one): no view object per chunk, the position unchanged
        if (chunk.hasArray()) {
            byte[] a = chunk.array();
            int base = chunk.arrayOffset();
            for (int i = base + chunk.position(), end = base + chunk.limit(); i < end; i++) {
                accept(a[i]);
            }
        } else {
            for (int i = chunk.position(), end = chunk.limit(); i < end; i++) {
                accept(chunk.get(i));
            }
        }
    }

    private void accept(byte c) {
        if (c == '\n' && lastWasCr) {
            lastWasCr = false; // the LF of a CRLF
            return;
        }
        lastWasCr = c == '\r';
        if (c == '\n' || c == '\r') {
            line();
        } else {
            line.write(c);
            if (line.size() + data.size() > MAX_EVENT_BYTES) {
                throw new IllegalStateException("an event-stream event is larger than " + MAX_EVENT_BYTES + " bytes");
            }
        }
    }

    /** Whether a partial event is pending (the stream ended mid-event if it ends now). */
    public boolean pending() {
        return hasData || !line.isEmpty();
    }

    private void line() {
        byte[] l = line.array();
        int n = line.size();
        if (n == 0) {
            dispatch();
            return;
        }
        if (l[0] != ':') {
            int colon = indexOf(l, n, (byte) ':');
            int nameEnd = colon < 0 ? n : colon;
            int value = colon < 0 ? n : colon + 1;
            if (value < n && l[value] == ' ') {
                value++;
            }
            if (is(l, nameEnd, "data")) {
                if (hasData) {
                    data.write('\n');
                }
                data.write(l, value, n - value);
                hasData = true;
            } else if (is(l, nameEnd, "event")) {
                event = eventName(l, value, n - value);
            }
        }
        line.reset();
    }

    private void dispatch() {
        if (hasData) {
            listener.onEvent(event == null ? "message" : event, data.array(), 0, data.size());
        }
        data.reset();
        hasData = false;
        event = null;
    }

    private String eventName(byte[] b, int off, int len) {
        if (len == lastEventBytes.length) {
            boolean same = true;
            for (int i = 0; i < len && same; i++) {
                same = b[off + i] == lastEventBytes[i];
            }
            if (same) {
                return lastEvent;
            }
        }
        lastEventBytes = java.util.Arrays.copyOfRange(b, off, off + len);
        lastEvent = new String(lastEventBytes, StandardCharsets.UTF_8);
        return lastEvent;
    }

    private static boolean is(byte[] b, int len, String word) {
        if (len != word.length()) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (b[i] != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] b, int n, byte c) {
        for (int i = 0; i < n; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }
}
