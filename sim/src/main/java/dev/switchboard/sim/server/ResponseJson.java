package dev.switchboard.sim.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Writes the OpenAI response bodies and SSE events the simulator sends, straight into pooled buffers. */
final class ResponseJson {
    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT_END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    /** What every chunk and response of one request shares. */
    record Header(Api api, String id, long created, String model) {}

    /** A body part written by a generator. */
    @FunctionalInterface
    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private ResponseJson() {}

    /** {@code data: <json>\n\n}; the caller owns the returned buffer. */
    static ByteBuf event(ByteBufAllocator alloc, Body body) {
        ByteBuf buf = alloc.buffer(256);
        buf.writeBytes(DATA);
        write(buf, body);
        buf.writeBytes(EVENT_END);
        return buf;
    }

    static ByteBuf json(ByteBufAllocator alloc, Body body) {
        ByteBuf buf = alloc.buffer(512);
        write(buf, body);
        return buf;
    }

    private static void write(ByteBuf buf, Body body) {
        try (JsonGenerator g = JSON.createGenerator((java.io.OutputStream) new ByteBufOutputStream(buf))) {
            body.write(g);
        } catch (IOException e) {
            buf.release();
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The bytes of a token chunk up to its text: {@code data: {"id":...,"choices":[{"index":0,"delta":{"content":}
     * (chat) or {@code ...,"text":} (completions). A token chunk is this, the quoted text, then {@link #tokenSuffix}.
     */
    static byte[] tokenPrefix(Header h) {
        JsonStringEncoder enc = JsonStringEncoder.getInstance();
        StringBuilder sb = new StringBuilder(160).append("data: {\"id\":\"").append(enc.quoteAsString(h.id()))
                .append("\",\"object\":\"").append(h.api() == Api.CHAT ? "chat.completion.chunk" : "text_completion")
                .append("\",\"created\":").append(h.created()).append(",\"model\":\"").append(enc.quoteAsString(h.model()))
                .append("\",\"choices\":[{\"index\":0,").append(h.api() == Api.CHAT ? "\"delta\":{\"content\":" : "\"text\":");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] tokenSuffix(Api api) {
        return api == Api.CHAT ? CHAT_TOKEN_SUFFIX : COMPLETION_TOKEN_SUFFIX;
    }

    private static final byte[] CHAT_TOKEN_SUFFIX =
            "},\"logprobs\":null,\"finish_reason\":null}]}\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COMPLETION_TOKEN_SUFFIX =
            ",\"logprobs\":null,\"finish_reason\":null}]}\n\n".getBytes(StandardCharsets.US_ASCII);

    /** A streamed chunk without text: the role chunk (role != null) or the finish chunk. */
    static Body chunk(Header h, String role, String finishReason) {
        return g -> {
            start(g, h, h.api() == Api.CHAT ? "chat.completion.chunk" : "text_completion");
            g.writeArrayFieldStart("choices");
            g.writeStartObject();
            g.writeNumberField("index", 0);
            if (h.api() == Api.CHAT) {
                g.writeObjectFieldStart("delta");
                if (role != null) {
                    g.writeStringField("role", role);
                    g.writeStringField("content", "");
                }
                g.writeEndObject();
            } else {
                g.writeStringField("text", "");
            }
            g.writeNullField("logprobs");
            g.writeStringField("finish_reason", finishReason);
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
        };
    }

    /** The usage chunk sent when stream_options.include_usage is set: empty choices plus usage. */
    static Body usageChunk(Header h, int prompt, int completion, int cached) {
        return g -> {
            start(g, h, h.api() == Api.CHAT ? "chat.completion.chunk" : "text_completion");
            g.writeArrayFieldStart("choices");
            g.writeEndArray();
            usage(g, prompt, completion, cached);
            g.writeEndObject();
        };
    }

    /** A whole (non-streamed) completion. */
    static Body completion(Header h, String text, String finishReason, int prompt, int completion, int cached) {
        return g -> {
            start(g, h, h.api().object);
            g.writeArrayFieldStart("choices");
            g.writeStartObject();
            g.writeNumberField("index", 0);
            if (h.api() == Api.CHAT) {
                g.writeObjectFieldStart("message");
                g.writeStringField("role", "assistant");
                g.writeStringField("content", text);
                g.writeEndObject();
            } else {
                g.writeStringField("text", text);
            }
            g.writeNullField("logprobs");
            g.writeStringField("finish_reason", finishReason);
            g.writeEndObject();
            g.writeEndArray();
            usage(g, prompt, completion, cached);
            g.writeEndObject();
        };
    }

    /** An embeddings response: one deterministic unit vector derived from the input tokens. */
    static Body embedding(String model, long[] ids, int dims, boolean base64) {
        return g -> {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            g.writeStartObject();
            g.writeStringField("object", "embedding");
            g.writeNumberField("index", 0);
            float[] v = vector(ids, dims);
            if (base64) {
                ByteBuffer bytes = ByteBuffer.allocate(dims * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (float f : v) {
                    bytes.putFloat(f);
                }
                g.writeStringField("embedding", Base64.getEncoder().encodeToString(bytes.array()));
            } else {
                g.writeArrayFieldStart("embedding");
                for (float f : v) {
                    g.writeNumber(f);
                }
                g.writeEndArray();
            }
            g.writeEndObject();
            g.writeEndArray();
            g.writeStringField("model", model);
            g.writeObjectFieldStart("usage");
            g.writeNumberField("prompt_tokens", ids.length);
            g.writeNumberField("total_tokens", ids.length);
            g.writeEndObject();
            g.writeEndObject();
        };
    }

    private static float[] vector(long[] ids, int dims) {
        long h = 1469598103934665603L;
        for (long id : ids) {
            h = (h ^ id) * 1099511628211L;
        }
        float[] v = new float[dims];
        double norm = 0;
        for (int i = 0; i < dims; i++) {
            h ^= h << 13;
            h ^= h >>> 7;
            h ^= h << 17;
            v[i] = (float) ((h >>> 11) * 0x1.0p-53 * 2 - 1);
            norm += v[i] * v[i];
        }
        float scale = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < dims; i++) {
            v[i] *= scale;
        }
        return v;
    }

    private static void start(JsonGenerator g, Header h, String object) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", h.id());
        g.writeStringField("object", object);
        g.writeNumberField("created", h.created());
        g.writeStringField("model", h.model());
    }

    private static void usage(JsonGenerator g, int prompt, int completion, int cached) throws IOException {
        g.writeObjectFieldStart("usage");
        g.writeNumberField("prompt_tokens", prompt);
        g.writeNumberField("completion_tokens", completion);
        g.writeNumberField("total_tokens", prompt + completion);
        g.writeObjectFieldStart("prompt_tokens_details");
        g.writeNumberField("cached_tokens", cached);
        g.writeEndObject();
        g.writeEndObject();
    }
}
