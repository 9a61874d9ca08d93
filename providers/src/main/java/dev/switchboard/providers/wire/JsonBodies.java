package dev.switchboard.providers.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.providers.TranslationException;
import java.io.IOException;

/** A client's request body read as the JSON object every API's body is, or the 400 that says why it is not. */
public final class JsonBodies {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonBodies() {}

    public static ObjectNode object(byte[] body) throws TranslationException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new TranslationException("the request body is not valid JSON: " + e.getOriginalMessage(), null);
        } catch (IOException e) {
            throw new TranslationException("the request body could not be read: " + e.getMessage(), null);
        }
        if (root == null || !root.isObject()) {
            throw new TranslationException("the request body must be a JSON object", null);
        }
        return (ObjectNode) root;
    }
}
