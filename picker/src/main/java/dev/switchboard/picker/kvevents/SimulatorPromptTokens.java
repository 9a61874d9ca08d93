package dev.switchboard.picker.kvevents;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.switchboard.core.model.ApproxChatTemplate;
import dev.switchboard.core.model.ApproxTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A request's prompt in the simulator's tokens ({@code tokenizer: simulator}): the prompt's JSON as the gateway
 * reads it (an OpenAI {@code messages} array, or a completions {@code prompt} string) rendered with
 * {@link ApproxChatTemplate} and cut by {@link ApproxTokenizer}, which is what the simulator caches for it. A real
 * engine needs its model's tokenizer and chat template here; Switchboard has neither yet.
 */
public final class SimulatorPromptTokens {
    private static final JsonFactory JSON = new JsonFactory();
    private static final long[] NONE = {};

    private SimulatorPromptTokens() {}

    /**
     * The tokens of {@code promptJson} (bytes as Latin-1 characters, as the gateway hands them over). A prompt cut
     * short keeps the messages read whole; an unreadable one has no tokens.
     */
    public static long[] ids(CharSequence promptJson) {
        byte[] bytes = promptJson.toString().getBytes(StandardCharsets.ISO_8859_1);
        StringBuilder text = new StringBuilder(bytes.length);
        try (JsonParser p = JSON.createParser(bytes)) {
            JsonToken first = p.nextToken();
            if (first == JsonToken.VALUE_STRING) {
                return ApproxTokenizer.ids(p.getText());
            }
            if (first != JsonToken.START_ARRAY) {
                return NONE;
            }
            boolean complete = messages(p, text);
            return ApproxTokenizer.ids(complete ? ApproxChatTemplate.end(text) : text);
        } catch (IOException | RuntimeException e) {
            return text.isEmpty() ? NONE : ApproxTokenizer.ids(text); // cut inside a message: the turns before it
        }
    }

    /** Appends each whole message; true when the array ended. */
    private static boolean messages(JsonParser p, StringBuilder text) throws IOException {
        StringBuilder turn = new StringBuilder();
        for (JsonToken t; (t = p.nextToken()) != JsonToken.END_ARRAY; ) {
            if (t != JsonToken.START_OBJECT) {
                return false;
            }
            String role = null;
            StringBuilder content = new StringBuilder();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if ("role".equals(field) && v == JsonToken.VALUE_STRING) {
                    role = p.getText();
                } else if ("content".equals(field)) {
                    content(p, v, content);
                } else {
                    p.skipChildren();
                }
            }
            if (role == null) {
                return false;
            }
            turn.setLength(0);
            ApproxChatTemplate.open(turn, role);
            turn.append(content);
            ApproxChatTemplate.close(turn);
            text.append(turn);
        }
        return true;
    }

    private static void content(JsonParser p, JsonToken v, StringBuilder out) throws IOException {
        if (v == JsonToken.VALUE_STRING) {
            out.append(p.getText());
        } else if (v == JsonToken.START_ARRAY) {
            while (p.nextToken() == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken pv = p.nextToken();
                    if ("text".equals(field) && pv == JsonToken.VALUE_STRING) {
                        out.append(p.getText());
                    } else {
                        p.skipChildren();
                    }
                }
            }
        } else {
            p.skipChildren();
        }
    }
}
