package dev.switchboard.core.config;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An {@code EndpointPickerConfig} document of the gateway's file, as read: core only checks its kind and name; the
 * endpoint picker module reads the rest (plugins, scheduling profiles, flow control).
 *
 * @param name     its {@code metadata.name}, which an InferencePool's {@code endpointPickerRef} names
 * @param document the whole document (a private copy)
 * @param where    where it is, for error messages ({@code gw.yaml: document 4 (EndpointPickerConfig/epp)})
 */
public record PickerConfigDocument(String name, JsonNode document, String where) {
    public PickerConfigDocument {
        document = document.deepCopy();
    }

    /** The document; a copy, so the configuration stays immutable. */
    @Override
    public JsonNode document() {
        return document.deepCopy();
    }
}
