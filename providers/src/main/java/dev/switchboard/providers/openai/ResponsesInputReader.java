package dev.switchboard.providers.openai;

import static dev.switchboard.providers.openai.JsonFields.required;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.providers.TranslationException;
import dev.switchboard.providers.chat.Message;
import dev.switchboard.providers.chat.Part;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a Responses request's {@code input} (a string, or a list of items) into system parts and turns.
 *
 * <p>Items are grouped into turns the way the other formats want them: an assistant {@code message}, a
 * {@code function_call} and a {@code reasoning} item join the assistant turn before them (OpenAI lists a reasoning
 * item, the message and each call as separate output items; Anthropic wants them in one assistant turn);
 * {@code function_call_output} items become {@link Part.ToolResult}s of one user turn, and a user message right after
 * them joins that turn (as {@link OpenAiMessagesReader} does with tool messages). System and developer messages go to
 * the system prompt wherever they stand.
 *
 * <p>A {@code reasoning} item becomes a {@link Part.Thinking} of its summary text (or, for gpt-oss style items, its
 * {@code reasoning_text} content), summary parts joined by a blank line, with {@code encrypted_content} as the signature: that is where this codec's
 * responses put an Anthropic signature, so it comes back to Anthropic unchanged. One with no text but
 * {@code encrypted_content} is a {@link Part.RedactedThinking}; one with neither is dropped. Refused by path:
 * {@code item_reference} (the gateway stores no items), {@code input_image.file_id} and {@code input_file} (no
 * files API), {@code input_audio}, and every built-in tool's call and output items.
 */
final class ResponsesInputReader {
    private ResponsesInputReader() {}

    static List<Message> read(JsonNode input, List<Part> system) throws TranslationException {
        if (input == null || input.isNull()) {
            throw new TranslationException("input is required", "input");
        }
        if (input.isTextual()) {
            return List.of(Message.user(input.asText()));
        }
        if (!input.isArray()) {
            throw new TranslationException("input must be a string or an array of items", "input");
        }
        Turns turns = new Turns();
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            String path = "input[" + i + "]";
            String type = item.path("type").asText("message"); // a message may omit its type
            switch (type) {
                case "message" -> {
                    String role = item.path("role").asText("");
                    switch (role) {
                        case "system", "developer" -> system.addAll(content(item.get("content"), path + ".content",
                                false));
                        case "user" -> turns.user(content(item.get("content"), path + ".content", true));
                        case "assistant" -> turns.assistant(content(item.get("content"), path + ".content", false));
                        default -> throw new TranslationException("unknown message role '" + role + "'",
                                path + ".role");
                    }
                }
                case "function_call" -> turns.assistant(List.of(new Part.ToolCall(required(item, "call_id", path),
                        required(item, "name", path), item.path("arguments").asText("{}"))));
                case "function_call_output" -> turns.toolResult(new Part.ToolResult(required(item, "call_id", path),
                        null, output(item.get("output"), path + ".output"), false));
                case "reasoning" -> turns.assistant(reasoning(item));
                case "item_reference" -> throw new TranslationException("an item_reference cannot be resolved: the "
                        + "gateway stores no items; send the item itself", path + ".type");
                default -> throw new TranslationException("an input item of type '" + type + "' cannot be "
                        + "translated for this backend (message, function_call, function_call_output and reasoning "
                        + "can)", path + ".type");
            }
        }
        return turns.messages;
    }

    /** The turns read so far, and whether the last one is a turn of tool results that a user message may join. */
    private static final class Turns {
        final List<Message> messages = new ArrayList<>();
        private boolean lastIsToolResults;

        void user(List<Part> parts) {
            if (lastIsToolResults) {
                append(parts);
            } else {
                messages.add(new Message(Message.Role.USER, parts));
            }
            lastIsToolResults = false;
        }

        void toolResult(Part result) {
            if (lastIsToolResults) {
                append(List.of(result));
            } else {
                messages.add(new Message(Message.Role.USER, List.of(result)));
            }
            lastIsToolResults = true;
        }

        void assistant(List<Part> parts) {
            if (parts.isEmpty()) {
                return;
            }
            if (!messages.isEmpty() && messages.getLast().role() == Message.Role.ASSISTANT) {
                append(parts);
            } else {
                messages.add(new Message(Message.Role.ASSISTANT, parts));
            }
            lastIsToolResults = false;
        }

        private void append(List<Part> parts) {
            Message last = messages.removeLast();
            List<Part> all = new ArrayList<>(last.content());
            all.addAll(parts);
            messages.add(new Message(last.role(), all));
        }
    }

    /** A message's content: a string, or parts (images only where {@code images}, i.e. user turns). */
    private static List<Part> content(JsonNode content, String path, boolean images) throws TranslationException {
        if (content == null || content.isNull()) {
            return List.of();
        }
        if (content.isTextual()) {
            return List.of(new Part.Text(content.asText()));
        }
        if (!content.isArray()) {
            throw new TranslationException("content must be a string or an array of parts", path);
        }
        List<Part> parts = new ArrayList<>();
        for (int i = 0; i < content.size(); i++) {
            JsonNode p = content.get(i);
            String pp = path + "[" + i + "]";
            String type = p.path("type").asText("");
            switch (type) {
                case "input_text", "output_text" -> parts.add(new Part.Text(p.path("text").asText("")));
                case "refusal" -> parts.add(new Part.Text(p.path("refusal").asText("")));
                case "input_image" -> {
                    if (!images) {
                        throw new TranslationException("an input_image part is only allowed in a user message",
                                pp + ".type");
                    }
                    parts.add(image(p, pp));
                }
                default -> throw new TranslationException("a '" + type + "' content part cannot be translated for "
                        + "this backend (input_text, input_image and output_text can)", pp + ".type");
            }
        }
        return parts;
    }

    /** {@code image_url} is a URL or a data URL; {@code detail} is dropped; a {@code file_id} is refused. */
    private static Part.Image image(JsonNode p, String path) throws TranslationException {
        if (p.hasNonNull("file_id")) {
            throw new TranslationException("an image by file_id cannot be read for this backend (the gateway has no "
                    + "files API); send it as image_url, a URL or a data: URL", path + ".file_id");
        }
        String url = p.path("image_url").asText(null);
        if (url == null) {
            throw new TranslationException("an input_image part needs image_url", path + ".image_url");
        }
        return Part.Image.fromUrl(url);
    }

    /** A function_call_output's output: a string, or a list of input_text / input_image parts. */
    private static List<Part> output(JsonNode output, String path) throws TranslationException {
        if (output == null || output.isNull()) {
            throw new TranslationException("a function_call_output needs its output", path);
        }
        return content(output, path, true);
    }

    private static List<Part> reasoning(JsonNode item) {
        StringBuilder text = new StringBuilder();
        for (JsonNode s : item.path("summary")) {
            if ("summary_text".equals(s.path("type").asText())) {
                text.append(text.isEmpty() ? "" : "\n\n").append(s.path("text").asText(""));
            }
        }
        if (text.isEmpty()) {
            for (JsonNode c : item.path("content")) {
                if ("reasoning_text".equals(c.path("type").asText())) {
                    text.append(c.path("text").asText(""));
                }
            }
        }
        String encrypted = item.path("encrypted_content").asText(null);
        if (!text.isEmpty()) {
            return List.of(new Part.Thinking(text.toString(), encrypted));
        }
        return encrypted != null ? List.of(new Part.RedactedThinking(encrypted)) : List.of();
    }
}
