package dev.switchboard.core.config;

import java.nio.file.Path;
import java.util.List;

/**
 * A {@code BackendSecurityPolicy}: how the gateway authenticates to the backends it targets. Envoy AI Gateway's
 * shape; in a file, a secret is named by where it lives ({@link Secret}), never written inline.
 *
 * @param name    the policy's name
 * @param type    which mechanism
 * @param targets the AIServiceBackends it applies to
 * @param apiKey  the key, for the API-key types; else null
 * @param aws     for {@link Type#AWS_CREDENTIALS}; else null
 * @param gcp     for {@link Type#GCP_CREDENTIALS}; else null
 * @param azure   for {@link Type#AZURE_CREDENTIALS}; else null
 */
public record SecurityPolicy(String name, Type type, List<String> targets, Secret apiKey, Aws aws, Gcp gcp,
        Azure azure) {
    public SecurityPolicy {
        targets = List.copyOf(targets);
    }

    /** {@code spec.type}, with Envoy AI Gateway's names. */
    public enum Type {
        /** {@code Authorization: Bearer <key>} (the Gemini API: {@code x-goog-api-key}). */
        API_KEY("APIKey", "apiKey"),
        /** {@code x-api-key: <key>}. */
        ANTHROPIC_API_KEY("AnthropicAPIKey", "anthropicAPIKey"),
        /** {@code api-key: <key>}. */
        AZURE_API_KEY("AzureAPIKey", "azureAPIKey"),
        AWS_CREDENTIALS("AWSCredentials", "awsCredentials"),
        GCP_CREDENTIALS("GCPCredentials", "gcpCredentials"),
        AZURE_CREDENTIALS("AzureCredentials", "azureCredentials");

        public final String configName;
        /** The spec field that holds this type's settings. */
        public final String field;

        Type(String configName, String field) {
            this.configName = configName;
            this.field = field;
        }
    }

    /**
     * Where a secret's value is read from: an environment variable or a file (re-read when it changes). The value
     * itself is never held in config, so it cannot reach a log through it.
     *
     * @param env  the variable's name, or null
     * @param file the file, or null
     */
    public record Secret(String env, Path file) {
        @Override
        public String toString() {
            return env != null ? "env " + env : "file " + file;
        }
    }

    /**
     * AWS SigV4 signing.
     *
     * @param region          the region signed for (and of the bedrock-runtime host)
     * @param credentialsFile an AWS credentials file, or null for the default chain (environment, profile file,
     *                        web identity)
     * @param profile         the profile in that file ({@code default})
     */
    public record Aws(String region, Path credentialsFile, String profile) {}

    /**
     * A Google service account.
     *
     * @param projectName     the project in Vertex AI paths
     * @param region          the location in Vertex AI paths
     * @param credentialsFile the service-account key JSON, or null for {@code GOOGLE_APPLICATION_CREDENTIALS}
     */
    public record Gcp(String projectName, String region, Path credentialsFile) {}

    /**
     * Microsoft Entra ID client credentials.
     *
     * @param tenantId     the directory
     * @param clientId     the application
     * @param clientSecret the application's secret
     */
    public record Azure(String tenantId, String clientId, Secret clientSecret) {}
}
