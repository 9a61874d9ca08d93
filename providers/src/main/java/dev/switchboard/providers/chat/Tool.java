package dev.switchboard.providers.chat;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A function the model may call.
 *
 * @param name        its name
 * @param description what it does, or null
 * @param parameters  its arguments' JSON schema (an object schema), or null for none
 * @param strict      OpenAI's strict schema adherence, or null
 */
public record Tool(String name, String description, JsonNode parameters, Boolean strict) {}
