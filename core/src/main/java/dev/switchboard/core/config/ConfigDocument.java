package dev.switchboard.core.config;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One resource of a configuration set: its JSON (a YAML document of a file, or an object read from the Kubernetes
 * API server) and how errors name where it came from ({@code gateway.yaml: document 3}, {@code Kubernetes
 * default/InferencePool/pool-a}).
 */
public record ConfigDocument(JsonNode json, String origin) {}
