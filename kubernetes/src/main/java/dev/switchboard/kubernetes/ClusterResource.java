package dev.switchboard.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One object of the cluster as the configuration reads it: {@code document} is its JSON without status and with
 * only the metadata the loader reads (so a status write or a resync does not look like a change), and
 * {@code status} what the API server holds now.
 *
 * @param kind       the watched kind, or null for what the source makes itself (the Pods' Endpoints, ConfigMaps)
 * @param generation {@code metadata.generation} (what status conditions say they observed), or 0
 */
record ClusterResource(WatchedKind kind, String namespace, String name, ObjectNode document, long generation,
        JsonNode status) {

    boolean is(String kindName) {
        return kind != null && kind.kind().equals(kindName);
    }
}
