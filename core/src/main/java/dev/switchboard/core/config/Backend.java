package dev.switchboard.core.config;

import java.util.List;

/**
 * An {@code AIServiceBackend} resolved to where it lives: the endpoints of its Envoy Gateway {@code Backend}, the API
 * schema it speaks, the header mutation applied to every request sent to it, and how the gateway authenticates to it.
 *
 * @param name           the AIServiceBackend's name
 * @param schema         the API schema it speaks
 * @param upstreams      addresses, tried in order
 * @param headerMutation applied to every request to this backend
 * @param security       the BackendSecurityPolicy that targets it, or null
 */
public record Backend(String name, Schema schema, List<Upstream> upstreams, HeaderMutation headerMutation,
        SecurityPolicy security) {
    public Backend {
        upstreams = List.copyOf(upstreams);
    }

    /** A backend without credentials that speaks the schema named {@code schemaName} with its defaults. */
    public Backend(String name, String schemaName, List<Upstream> upstreams, HeaderMutation headerMutation) {
        this(name, new Schema(ApiSchema.named(schemaName), null, null), upstreams, headerMutation, null);
    }

    public Backend withSecurity(SecurityPolicy policy) {
        return new Backend(name, schema, upstreams, headerMutation, policy);
    }

    /**
     * {@code spec.schema}.
     *
     * @param name    the schema
     * @param prefix  the path prefix (OpenAI: {@code /v1} by default; e.g. {@code /v1beta/openai} for Gemini's
     *                OpenAI-compatible endpoint), or null for the schema's default
     * @param version the API version where the schema has one (AzureOpenAI {@code api-version}; the
     *                {@code anthropic_version} of GCPAnthropic and AWSAnthropic; GeminiAPI's {@code v1beta}), or null
     */
    public record Schema(ApiSchema name, String prefix, String version) {
        public static final Schema OPENAI = new Schema(ApiSchema.OPENAI, null, null);
    }
}
