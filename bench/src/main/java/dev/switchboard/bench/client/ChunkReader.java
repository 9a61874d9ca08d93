package dev.switchboard.bench.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Pulls content, usage and errors out of OpenAI chat / completions JSON (a stream chunk or a whole response)
 * with Jackson's streaming parser: no tree, everything else skipped.
 */
public final class ChunkReader {
    private static final JsonFactory JSON = new JsonFactory();

    private ChunkReader() {}

    /** Reads one JSON object from {@code bytes[offset, offset + length)}; throws on anything that is not one. */
    public static Chunk read(byte[] bytes, int offset, int length) throws IOException {
        try (JsonParser p = JSON.createParser(bytes, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new JsonParseException(p, "expected a JSON object");
            }
            Fields f = new Fields();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "choices" -> choices(p, value, f);
                    case "usage" -> usage(p, value, f);
                    case "error" -> error(p, value, f);
                    default -> p.skipChildren();
                }
            }
            return new Chunk(f.content == null ? null : f.content.toString(), f.prompt, f.completion, f.cached,
                    f.errorMessage, f.errorCode);
        }
    }

    /** Scratch for one read. */
    private static final class Fields {
        StringBuilder content;
        int prompt = Chunk.ABSENT;
        int completion = Chunk.ABSENT;
        int cached = Chunk.ABSENT;
        String errorMessage;
        int errorCode = Chunk.ABSENT;

        void text(String s) {
            if (s != null && !s.isEmpty()) {
                (content == null ? content = new StringBuilder(s.length()) : content).append(s);
            }
        }
    }

    private static void choices(JsonParser p, JsonToken value, Fields f) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "text" -> f.text(string(p, v));
                    case "delta", "message" -> message(p, v, f);
                    default -> p.skipChildren();
                }
            }
        }
    }

    private static void message(JsonParser p, JsonToken value, Fields f) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "content", "reasoning_content", "reasoning" -> f.text(string(p, v));
                default -> p.skipChildren();
            }
        }
    }

    private static void usage(JsonParser p, JsonToken value, Fields f) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "prompt_tokens" -> f.prompt = integer(p, v);
                case "completion_tokens" -> f.completion = integer(p, v);
                case "prompt_tokens_details" -> {
                    if (v == JsonToken.START_OBJECT) {
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            JsonToken d = p.nextToken();
                            if (p.currentName().equals("cached_tokens")) {
                                f.cached = integer(p, d);
                            } else {
                                p.skipChildren();
                            }
                        }
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
    }

    private static void error(JsonParser p, JsonToken value, Fields f) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            f.errorMessage = p.getText();
            return;
        }
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        f.errorMessage = "";
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "message" -> f.errorMessage = v == JsonToken.VALUE_STRING ? p.getText() : f.errorMessage;
                case "code" -> f.errorCode = v == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : f.errorCode;
                default -> p.skipChildren();
            }
        }
    }

    private static String string(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        p.skipChildren();
        return null;
    }

    private static int integer(JsonParser p, JsonToken v) throws IOException {
        return v == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : Chunk.ABSENT;
    }
}
