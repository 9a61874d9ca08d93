package dev.switchboard.core.config;

/**
 * An {@code EndpointPickerConfig} document of the gateway file, kept as read: core knows no picker plugins, so the
 * picker module reads it (strictly, with this document's location in its errors) when the gateway builds the pool.
 *
 * @param name     its {@code metadata.name}, which an InferencePool's {@code endpointPickerRef} names
 * @param document the whole document ({@code apiVersion}, {@code kind}, {@code metadata}, {@code plugins},
 *                 {@code schedulingProfiles}); errors read "file: document N (EndpointPickerConfig/name): path: ..."
 */
public record EndpointPickerDocument(String name, Fields document) {}
