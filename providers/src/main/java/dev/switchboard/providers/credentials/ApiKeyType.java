package dev.switchboard.providers.credentials;

/**
 * How an API key goes on the request, by {@code BackendSecurityPolicy.spec.type} (Envoy AI Gateway's names, plus
 * {@code GeminiAPIKey}, which Envoy AI Gateway lacks).
 */
public enum ApiKeyType {
    /** OpenAI and every OpenAI-compatible server. */
    API_KEY("APIKey", "authorization", "Bearer "),
    ANTHROPIC_API_KEY("AnthropicAPIKey", "x-api-key", ""),
    AZURE_API_KEY("AzureAPIKey", "api-key", ""),
    /** Google AI Studio (the Gemini API). */
    GEMINI_API_KEY("GeminiAPIKey", "x-goog-api-key", "");

    private final String configName;
    private final String header;
    private final String prefix;

    ApiKeyType(String configName, String header, String prefix) {
        this.configName = configName;
        this.header = header;
        this.prefix = prefix;
    }

    /** The type's name in config, e.g. {@code AnthropicAPIKey}. */
    public String configName() {
        return configName;
    }

    /** The header the key goes in, lower-case. */
    public String header() {
        return header;
    }

    /** What precedes the key in the header's value ({@code "Bearer "} or nothing). */
    public String prefix() {
        return prefix;
    }

    /** The type named {@code name} in config, or null. */
    public static ApiKeyType named(String name) {
        for (ApiKeyType t : values()) {
            if (t.configName.equals(name)) {
                return t;
            }
        }
        return null;
    }
}
