package dev.switchboard.bench.client;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * Splits a {@code text/event-stream} body into events as its bytes arrive, in pieces cut anywhere.
 */
public final class SseDecoder {
    /*
     * Problem: SSE events arrive in HTTP chunks cut at arbitrary bytes (an event split over two reads, or many
     * events in one); we must hand each event's data on the moment its terminating blank line arrives, to time
     * tokens, without aggregating the body and without allocating per chunk.
     * Approach: the bytes of the current line are copied into a reusable array until '\n' (a trailing '\r' is
     * dropped, so CRLF works); a complete "data:" line appends its value (one optional leading space removed) to
     * the event's data, joined with '\n'; a blank line dispatches the event. Comments (":...") and the other fields
     * (event, id, retry) are ignored: OpenAI-compatible servers put everything in data. Lone '\r' line endings are
     * not supported. Lines over MAX_LINE_BYTES fail the stream rather than grow without bound.
     * Concurrency: one decoder per response, used on one thread.
     * Cost: one copy of each byte; the two arrays grow to the largest line and event seen, then are reused.
     * References: https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
     */

    /** Longest line accepted, bytes; a usage chunk is a few hundred bytes, this only stops a runaway stream. */
    static final int MAX_LINE_BYTES = 8 << 20;

    /** Receives each event's data; the bytes are valid only during the call. */
    @FunctionalInterface
    public interface Listener {
        void onData(byte[] data, int offset, int length);
    }

    private byte[] line = new byte[512];
    private int lineLength;
    private byte[] data = new byte[512];
    private int dataLength;
    private boolean hasData;

    /**
     * Reads every readable byte of {@code content} (borrowed: neither released nor advanced), calling
     * {@code listener} for each event completed.
     *
     * @throws IllegalStateException when a line is longer than {@link #MAX_LINE_BYTES}
     */
    public void feed(ByteBuf content, Listener listener) {
        int i = content.readerIndex();
        int end = content.writerIndex();
        while (i < end) {
            int newline = content.indexOf(i, end, (byte) '\n');
            int stop = newline < 0 ? end : newline;
            appendToLine(content, i, stop - i);
            if (newline < 0) {
                return;
            }
            lineComplete(listener);
            i = newline + 1;
        }
    }

    /** The body ended: an event still lacking its blank line is dispatched anyway, as servers sometimes omit it. */
    public void end(Listener listener) {
        if (lineLength > 0) {
            lineComplete(listener);
        }
        if (hasData) {
            dispatch(listener);
        }
    }

    private void appendToLine(ByteBuf content, int from, int n) {
        if (n == 0) {
            return;
        }
        if (lineLength + n > MAX_LINE_BYTES) {
            throw new IllegalStateException("an SSE line is longer than " + MAX_LINE_BYTES + " bytes");
        }
        if (lineLength + n > line.length) {
            line = Arrays.copyOf(line, Math.max(lineLength + n, line.length * 2));
        }
        content.getBytes(from, line, lineLength, n);
        lineLength += n;
    }

    private void lineComplete(Listener listener) {
        int n = lineLength;
        lineLength = 0;
        if (n > 0 && line[n - 1] == '\r') {
            n--;
        }
        if (n == 0) {
            if (hasData) {
                dispatch(listener);
            }
            return;
        }
        if (line[0] == ':') {
            return; // comment, e.g. a keep-alive ping
        }
        int colon = indexOf(line, n, (byte) ':');
        int nameEnd = colon < 0 ? n : colon;
        if (nameEnd != 4 || line[0] != 'd' || line[1] != 'a' || line[2] != 't' || line[3] != 'a') {
            return;
        }
        int valueStart = colon < 0 ? n : colon + 1;
        if (valueStart < n && line[valueStart] == ' ') {
            valueStart++;
        }
        appendData(valueStart, n - valueStart);
    }

    private void appendData(int from, int n) {
        int needed = dataLength + n + (hasData ? 1 : 0);
        if (needed > data.length) {
            data = Arrays.copyOf(data, Math.max(needed, data.length * 2));
        }
        if (hasData) {
            data[dataLength++] = '\n';
        }
        System.arraycopy(line, from, data, dataLength, n);
        dataLength += n;
        hasData = true;
    }

    private void dispatch(Listener listener) {
        int n = dataLength;
        dataLength = 0;
        hasData = false;
        listener.onData(data, 0, n);
    }

    private static int indexOf(byte[] bytes, int length, byte b) {
        for (int i = 0; i < length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
