package dev.switchboard.core.config;

import java.util.Locale;

/**
 * The API a backend speaks: {@code AIServiceBackend.spec.schema.name}, with Envoy AI Gateway's names so an existing
 * user's resources load. Each belongs to a {@link Family} (the wire format of its bodies); the schema adds where the
 * request goes (path, query) and how its body differs from the family's (no model in a Vertex or Bedrock body).
 */
public enum ApiSchema {
    OPENAI("OpenAI", Family.OPENAI, "openai", "/v1"),
    AZURE_OPENAI("AzureOpenAI", Family.OPENAI, "azure.openai", null),
    AWS_OPENAI("AWSOpenAI", Family.OPENAI, "aws.bedrock", "/openai/v1"),
    ANTHROPIC("Anthropic", Family.ANTHROPIC, "anthropic", "/v1"),
    GCP_ANTHROPIC("GCPAnthropic", Family.ANTHROPIC, "gcp.anthropic", null),
    AWS_ANTHROPIC("AWSAnthropic", Family.ANTHROPIC, "aws.anthropic", null),
    GEMINI_API("GeminiAPI", Family.GEMINI, "gcp.gemini", null),
    GCP_VERTEX_AI("GCPVertexAI", Family.GEMINI, "gcp.vertex_ai", null),
    AWS_BEDROCK("AWSBedrock", Family.BEDROCK, "aws.bedrock", null);

    /** The wire formats. */
    public enum Family { OPENAI, ANTHROPIC, GEMINI, BEDROCK }

    private final String configName;
    private final Family family;
    private final String providerName;
    private final String defaultPrefix;

    ApiSchema(String configName, Family family, String providerName, String defaultPrefix) {
        this.configName = configName;
        this.family = family;
        this.providerName = providerName;
        this.defaultPrefix = defaultPrefix;
    }

    /** The name in config, e.g. {@code AWSBedrock}. */
    public String configName() {
        return configName;
    }

    public Family family() {
        return family;
    }

    /** OpenTelemetry's {@code gen_ai.provider.name} for this backend (Envoy AI Gateway's values). */
    public String providerName() {
        return providerName;
    }

    /** The path prefix used when the schema's {@code prefix} is not set, or null where the schema has no prefix. */
    public String defaultPrefix() {
        return defaultPrefix;
    }

    /** The schema named {@code name} in config (exact, as Envoy AI Gateway spells it), or null. */
    public static ApiSchema named(String name) {
        for (ApiSchema s : values()) {
            if (s.configName.equals(name)) {
                return s;
            }
        }
        return null;
    }

    /** The names accepted in config, for an error message. */
    public static String names() {
        StringBuilder b = new StringBuilder();
        for (ApiSchema s : values()) {
            b.append(b.isEmpty() ? "" : ", ").append(s.configName);
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return configName.toLowerCase(Locale.ROOT);
    }
}
