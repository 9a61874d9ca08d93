package dev.switchboard.core.config;

import java.util.List;

/**
 * A governance document (client authentication, limits, prices, guardrails) as the file holds it: its kind and name
 * checked here, its spec read by the {@code policy} module, which owns those kinds' shapes (core knows no policy).
 * {@code spec} carries the file, document and field path, so the policy readers' errors say where, as core's do.
 *
 * @param kind the document's kind, one of {@link #KINDS}
 * @param name {@code metadata.name}
 * @param spec the document's {@code spec}
 * @param baseDir where the file's relative paths (a key file, a JWKS file) are resolved from
 */
public record PolicyDocument(String kind, String name, Fields spec, java.nio.file.Path baseDir) {
    /** The kinds (all {@code switchboard.dev/}) whose specs the policy module reads. */
    public static final List<String> KINDS = List.of("ClientAuth", "RateLimitPolicy", "PriceTable", "Guardrail");
}
