package dev.switchboard.providers.gemini;

import dev.switchboard.providers.wire.EventParser;
import dev.switchboard.providers.wire.WholeBodyDecoder;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.switchboard.providers.ResponseDecoder;
import dev.switchboard.providers.chat.ChatError;
import dev.switchboard.providers.chat.ChatEvents;
import dev.switchboard.providers.chat.FinishReason;
import dev.switchboard.providers.chat.Usage;
import dev.switchboard.providers.wire.ByteSink;
import dev.switchboard.providers.wire.Chars;
import dev.switchboard.providers.wire.SseReader;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Decodes a Gemini backend's {@code GenerateContentResponse}: a whole body, or the {@code alt=sse} stream in which
 * every {@code data:} is such a response holding the next piece.
 *
 * <p>Mapping: {@code candidates[0].content.parts}: text → text, {@code thought: true} text → thinking,
 * {@code functionCall} → a tool call and one arguments delta with the whole {@code args} JSON (Gemini sends calls
 * whole); a {@code thoughtSignature} → a thinking signature, after the thought's text on a thought part and before
 * the content on any other (so the next turn's encoder can put it back on that part). The call id is Gemini's
 * {@code id} when it sends one, else {@code call_<random>_<index>}. {@code responseId}/{@code modelVersion} → start,
 * from the first chunk only. Finish: STOP → END_TURN (TOOL_USE when the answer called functions), MAX_TOKENS,
 * SAFETY/RECITATION/BLOCKLIST/PROHIBITED_CONTENT/SPII/IMAGE_SAFETY/LANGUAGE → CONTENT_FILTER, a prompt blocked
 * ({@code promptFeedback.blockReason}, no candidates) → CONTENT_FILTER; MALFORMED_FUNCTION_CALL,
 * UNEXPECTED_TOOL_CALL and TOO_MANY_TOOL_CALLS → an error (the model failed to produce a usable answer; a client
 * should retry), anything else → END_TURN. Usage: input = {@code promptTokenCount} (cached included, as Google
 * counts it), output = {@code candidatesTokenCount + thoughtsTokenCount} (Google counts thoughts apart; the chat
 * model's output includes reasoning), cached = {@code cachedContentTokenCount}, reasoning =
 * {@code thoughtsTokenCount}.
 */
final class GeminiResponseDecoder implements ResponseDecoder, SseReader.Listener {
    /** One parser for every chunk of the stream. */
    private final EventParser events = new EventParser();
    /*
     * Problem: a Gemini chunk names its responseId and modelVersion after its candidates, and a part says it is a
     * thought (and carries its signature) after its text; events must go out in order, and without a tree per chunk.
     * Approach: the first chunk is scanned once more for its head fields before it is decoded; a part's text is
     * copied into one char buffer reused for the stream and handed on as a Chars view when the part closes. The
     * finish reason and usage (cumulative in Gemini) are kept and reported when the stream ends: Gemini has no final
     * sentinel, and older models repeated finishReason on every chunk, so the end of the body is the end.
     * Cost: one JsonParser per chunk; a String only for a function call's args and for signatures.
     */
    private static final JsonFactory JSON = new JsonFactory();

    private final ChatEvents out;
    private final SseReader sse;
    private final ByteSink body;
    private final Chars chars = new Chars();
    private final String idBase = "call_" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 24, 36) + "_";
    private char[] text = new char[256];
    private int textLength;
    private boolean started;
    private boolean done;
    private boolean blocked;
    private String finishReason;
    private Usage usage = Usage.UNKNOWN;
    private int toolCalls;

    GeminiResponseDecoder(boolean stream, ChatEvents out) {
        this.out = out;
        this.sse = stream ? new SseReader(this) : null;
        this.body = stream ? null : new ByteSink(4096);
    }

    @Override
    public void feed(ByteBuffer chunk) {
        if (done) {
            return;
        }
        if (sse != null) {
            sse.feed(chunk);
        } else if (body.size() + chunk.remaining() > WholeBodyDecoder.MAX_BODY_BYTES) {
            fail(new ChatError(502, ChatError.Kind.SERVER, "the Gemini backend's answer is larger than "
                    + WholeBodyDecoder.MAX_BODY_BYTES + " bytes; the gateway does not translate it", null));
        } else {
            body.write(chunk);
        }
    }

    @Override
    public void onEvent(String event, byte[] data, int offset, int length) {
        if (!done) {
            chunk(data, offset, length);
        }
    }

    @Override
    public void end() {
        if (done) {
            return;
        }
        if (body != null) {
            chunk(body.array(), 0, body.size());
            if (done) {
                return;
            }
        }
        done = true;
        if (!started) {
            out.start(null, null);
        }
        if (usage.known()) {
            out.usage(usage);
        }
        if (finishReason == null && !blocked) {
            out.error(new ChatError(502, ChatError.Kind.SERVER, sse != null
                    ? "the Gemini backend's stream was cut before its last chunk (no finishReason)"
                    : "the Gemini backend's response has no finishReason", null));
            return;
        }
        FinishReason reason = blocked && finishReason == null ? FinishReason.CONTENT_FILTER : finish(finishReason);
        if (reason == null) {
            out.error(new ChatError(502, ChatError.Kind.SERVER, "the Gemini model could not produce a valid "
                    + "function call (finishReason " + finishReason + "); retry the request", null));
            return;
        }
        out.finish(reason, null);
        out.end();
    }

    /** Null for the reasons that are failures. */
    private FinishReason finish(String word) {
        return switch (word) {
            case "STOP" -> toolCalls > 0 ? FinishReason.TOOL_USE : FinishReason.END_TURN;
            case "MAX_TOKENS" -> FinishReason.MAX_TOKENS;
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY", "LANGUAGE",
                 "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION" -> FinishReason.CONTENT_FILTER;
            case "MALFORMED_FUNCTION_CALL", "UNEXPECTED_TOOL_CALL", "TOO_MANY_TOOL_CALLS" -> null;
            default -> toolCalls > 0 ? FinishReason.TOOL_USE : FinishReason.END_TURN;
        };
    }

    private void chunk(byte[] data, int offset, int length) {
        try {
            if (!started && head(data, offset, length)) {
                return;
            }
            {
                JsonParser p = events.next(data, offset, length);
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw new IOException("a chunk is not a JSON object");
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    switch (name) {
                        case "candidates" -> candidates(p);
                        case "promptFeedback" -> promptFeedback(p);
                        case "usageMetadata" -> usage(p);
                        default -> p.skipChildren();
                    }
                }
            }
        } catch (IOException e) {
            fail(new ChatError(502, ChatError.Kind.SERVER, "the Gemini backend sent a malformed response: "
                    + e.getMessage(), null));
        }
    }

    /** Starts the response from the first chunk's head fields; true when the chunk was an error (reported). */
    private boolean head(byte[] data, int offset, int length) throws IOException {
        String id = null;
        String model = null;
        try (JsonParser p = JSON.createParser(data, offset, length)) {
            JsonToken first = p.nextToken();
            if (first == JsonToken.START_ARRAY || first == JsonToken.START_OBJECT && hasError(data, offset, length)) {
                fail(GeminiErrors.decode(502, Arrays.copyOfRange(data, offset, offset + length)));
                return true;
            }
            if (first != JsonToken.START_OBJECT) {
                throw new IOException("a chunk is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("responseId")) {
                    id = p.getText();
                } else if (name.equals("modelVersion")) {
                    model = p.getText();
                } else {
                    p.skipChildren();
                }
            }
        }
        started = true;
        out.start(id, model);
        return false;
    }

    private static boolean hasError(byte[] data, int offset, int length) throws IOException {
        try (JsonParser p = JSON.createParser(data, offset, length)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                if (p.currentName().equals("error")) {
                    return true;
                }
                p.nextToken();
                p.skipChildren();
            }
        }
        return false;
    }

    private void fail(ChatError e) {
        if (!started) {
            started = true;
            out.start(null, null);
        }
        done = true;
        out.error(e);
    }

    private void candidates(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            p.skipChildren();
            return;
        }
        boolean first = true;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (!first) {
                p.skipChildren(); // only one candidate is ever asked for
                continue;
            }
            first = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("content")) {
                    content(p);
                } else if (name.equals("finishReason")) {
                    finishReason = p.getText();
                } else {
                    p.skipChildren();
                }
            }
        }
    }

    private void content(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            if (name.equals("parts") && p.currentToken() == JsonToken.START_ARRAY) {
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    part(p);
                }
            } else {
                p.skipChildren();
            }
        }
    }

    private void part(JsonParser p) throws IOException {
        textLength = -1;
        boolean thought = false;
        String signature = null;
        String callName = null;
        String callId = null;
        String args = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            switch (name) {
                case "text" -> copyText(p);
                case "thought" -> thought = p.currentToken() == JsonToken.VALUE_TRUE;
                case "thoughtSignature" -> signature = p.getText();
                case "functionCall" -> {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String f = p.currentName();
                        p.nextToken();
                        switch (f) {
                            case "name" -> callName = p.getText();
                            case "id" -> callId = p.getText();
                            case "args" -> args = copyStructure(p);
                            default -> p.skipChildren();
                        }
                    }
                }
                default -> p.skipChildren(); // executableCode, inlineData output…: not in the chat model
            }
        }
        if (signature != null && !thought) {
            out.thinkingSignature(signature);
        }
        if (textLength > 0) {
            chars.of(text, 0, textLength);
            if (thought) {
                out.thinking(chars);
            } else {
                out.text(chars);
            }
        }
        if (signature != null && thought) {
            out.thinkingSignature(signature);
        }
        if (callName != null) {
            int index = toolCalls++;
            out.toolCall(index, callId != null ? callId : idBase + index, callName);
            out.toolArguments(index, args != null ? args : "{}");
        }
    }

    private void copyText(JsonParser p) throws IOException {
        int n = p.getTextLength();
        if (n > text.length) {
            text = new char[Math.max(n, text.length * 2)];
        }
        System.arraycopy(p.getTextCharacters(), p.getTextOffset(), text, 0, n);
        textLength = n;
    }

    private static String copyStructure(JsonParser p) throws IOException {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.copyCurrentStructure(p);
        }
        return w.toString();
    }

    private void promptFeedback(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            if (name.equals("blockReason")) {
                blocked = !p.getText().toUpperCase(Locale.ROOT).equals("BLOCK_REASON_UNSPECIFIED");
            } else {
                p.skipChildren();
            }
        }
    }

    private void usage(JsonParser p) throws IOException {
        long prompt = -1;
        long candidates = -1;
        long cached = -1;
        long thoughts = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            switch (name) {
                case "promptTokenCount" -> prompt = p.getLongValue();
                case "candidatesTokenCount" -> candidates = p.getLongValue();
                case "cachedContentTokenCount" -> cached = p.getLongValue();
                case "thoughtsTokenCount" -> thoughts = p.getLongValue();
                default -> p.skipChildren();
            }
        }
        long output = candidates < 0 && thoughts < 0 ? -1 : Math.max(candidates, 0) + Math.max(thoughts, 0);
        // Gemini repeats its (cumulative) usage on every chunk: a new record only when a count changed
        if (prompt >= 0 && prompt != usage.inputTokens() || output >= 0 && output != usage.outputTokens()
                || cached >= 0 && cached != usage.cachedInputTokens() || thoughts >= 0 && thoughts != usage.reasoningTokens()) {
            usage = usage.merge(new Usage(prompt, output, cached, -1, thoughts));
        }
    }
}
