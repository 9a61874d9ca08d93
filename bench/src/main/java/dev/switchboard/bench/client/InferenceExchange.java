package dev.switchboard.bench.client;

import dev.switchboard.core.model.ApproxTokenizer;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Measures one chat / completions request while its response arrives: SSE events are decoded chunk by chunk and
 * timed on arrival (TTFT, gaps between content chunks), a non-streamed or error body is kept and parsed at the end.
 * Hands a {@link RequestResult} to its consumer exactly once. Runs on the client's event loop.
 */
public final class InferenceExchange implements ResponseListener, SseDecoder.Listener {
    /** Largest non-streamed body parsed, bytes; far above any real completion, it only bounds memory. */
    static final int MAX_BODY_BYTES = 32 << 20;
    /** Bytes of an error body kept to find its message. */
    static final int MAX_ERROR_BYTES = 8192;
    /** Longest error message kept in a result, characters. */
    static final int MAX_MESSAGE_CHARS = 300;
    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

    private final boolean collectReply;
    private final Consumer<RequestResult> onDone;
    private long sentNanos = -1;
    private long eventNanos;
    private long firstContentNanos = -1;
    private long lastContentNanos = -1;
    private int status;
    private SseDecoder sse;
    private BodyBuffer body;
    private boolean sawEvent;
    private int contentChunks;
    private int[] gaps = new int[16];
    private int gapCount;
    private int promptTokens = Chunk.ABSENT;
    private int completionTokens = Chunk.ABSENT;
    private int cachedTokens = Chunk.ABSENT;
    private StringBuilder reply;
    private ErrorKind error;
    private String errorMessage;

    /** {@code collectReply}: keep the generated text (multi-turn needs it; others save the copy). */
    public InferenceExchange(boolean collectReply, Consumer<RequestResult> onDone) {
        this.collectReply = collectReply;
        this.onDone = onDone;
    }

    @Override
    public void onSent(long nanos) {
        sentNanos = nanos;
    }

    @Override
    public void onHead(HttpResponse head, long nanos) {
        status = head.status().code();
        if (status / 100 != 2) {
            body = new BodyBuffer(MAX_ERROR_BYTES);
            return;
        }
        String type = head.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        // A server that ignores "stream": true answers with plain JSON; read whatever it sent.
        if (type.regionMatches(true, 0, "text/event-stream", 0, "text/event-stream".length())) {
            sse = new SseDecoder();
        } else {
            body = new BodyBuffer(MAX_BODY_BYTES);
        }
    }

    @Override
    public void onContent(ByteBuf content, long nanos) {
        if (sse != null) {
            eventNanos = nanos;
            try {
                sse.feed(content, this);
            } catch (IllegalStateException e) {
                protocolError(e.getMessage());
                sse = null;
            }
        } else if (body != null) {
            body.append(content);
        }
    }

    @Override
    public void onData(byte[] data, int offset, int length) {
        sawEvent = true;
        if (error != null || Arrays.equals(data, offset, offset + length, DONE, 0, DONE.length)) {
            return;
        }
        try {
            accept(ChunkReader.read(data, offset, length), eventNanos);
        } catch (IOException e) {
            protocolError("bad JSON in a stream event: " + e.getMessage());
        }
    }

    @Override
    public void onEnd(long nanos) {
        if (sse != null) {
            eventNanos = nanos;
            sse.end(this);
            if (!sawEvent && error == null) {
                protocolError("the event stream ended without any event");
            }
        } else if (status / 100 != 2) {
            error = ErrorKind.ofStatus(status);
            errorMessage = "HTTP " + status + ": " + messageOf(body);
        } else if (body != null && error == null) {
            wholeBody(nanos);
        }
        finish(nanos);
    }

    @Override
    public void onFailure(ErrorKind kind, String message) {
        error = kind;
        errorMessage = message;
        finish(System.nanoTime());
    }

    private void accept(Chunk c, long nanos) {
        if (c.isError()) {
            // An error event inside a 200 stream: the server failed after it had started answering.
            int code = c.errorCode();
            error = code >= 400 && code < 600 ? ErrorKind.ofStatus(code) : ErrorKind.HTTP_5XX;
            errorMessage = "error event in stream: " + c.errorMessage();
            return;
        }
        if (c.hasContent()) {
            contentChunks++;
            if (firstContentNanos < 0) {
                firstContentNanos = nanos;
            } else {
                gap(nanos - lastContentNanos);
            }
            lastContentNanos = nanos;
            if (collectReply) {
                (reply == null ? reply = new StringBuilder() : reply).append(c.content());
            }
        }
        if (c.completionTokens() != Chunk.ABSENT) {
            completionTokens = c.completionTokens();
        }
        if (c.promptTokens() != Chunk.ABSENT) {
            promptTokens = c.promptTokens();
        }
        if (c.cachedTokens() != Chunk.ABSENT) {
            cachedTokens = c.cachedTokens();
        }
    }

    private void wholeBody(long nanos) {
        if (body.truncated()) {
            protocolError("the response body is larger than " + MAX_BODY_BYTES + " bytes");
            return;
        }
        Chunk c;
        try {
            c = ChunkReader.read(body.array(), 0, body.length());
        } catch (IOException e) {
            protocolError("bad JSON response: " + e.getMessage());
            return;
        }
        accept(c, nanos);
        if (error == null && completionTokens == Chunk.ABSENT && c.hasContent()) {
            completionTokens = ApproxTokenizer.count(c.content());
        }
    }

    private void gap(long nanos) {
        if (gapCount == gaps.length) {
            gaps = Arrays.copyOf(gaps, gapCount * 2);
        }
        gaps[gapCount++] = (int) Math.min(Integer.MAX_VALUE, nanos / 1000);
    }

    private void protocolError(String message) {
        if (error == null) {
            error = ErrorKind.PROTOCOL;
            errorMessage = message;
        }
    }

    private void finish(long nanos) {
        boolean sent = sentNanos >= 0;
        int output = completionTokens != Chunk.ABSENT ? completionTokens : contentChunks;
        onDone.accept(new RequestResult(error, shorten(errorMessage), status,
                sent && firstContentNanos >= 0 ? firstContentNanos - sentNanos : -1,
                sent ? nanos - sentNanos : -1,
                output, promptTokens, cachedTokens, Arrays.copyOf(gaps, gapCount),
                reply == null ? (collectReply ? "" : null) : reply.toString()));
    }

    /** The {@code error.message} of an OpenAI error body, else the body's start. */
    private static String messageOf(BodyBuffer b) {
        if (b == null || b.length() == 0) {
            return "(empty body)";
        }
        try {
            Chunk c = ChunkReader.read(b.array(), 0, b.length());
            if (c.isError() && !c.errorMessage().isEmpty()) {
                return c.errorMessage();
            }
        } catch (IOException e) {
            // not JSON: fall back to the text
        }
        return b.text().strip();
    }

    private static String shorten(String s) {
        return s == null || s.length() <= MAX_MESSAGE_CHARS ? s : s.substring(0, MAX_MESSAGE_CHARS) + "…";
    }
}
