package dev.switchboard.providers.credentials;

import java.net.URI;
import java.nio.file.Path;

/**
 * What {@link Credentials#create} needs for one {@code BackendSecurityPolicy} (Envoy AI Gateway,
 * {@code aigateway.envoyproxy.io/v1alpha1}, {@code api/v1alpha1/backendsecurity_policy.go}). A Kubernetes Secret
 * reference becomes a file (its mounted key) or an environment variable; names only, never values, so every record
 * prints safely. Mapping from the YAML:
 *
 * <table>
 * <caption>BackendSecurityPolicy fields and their records</caption>
 * <tr><th>{@code spec.type}</th><th>YAML field</th><th>record component</th></tr>
 * <tr><td>{@code APIKey}</td><td>{@code apiKey.secretRef} (key {@code apiKey})</td>
 *     <td>{@link ApiKey} type {@link ApiKeyType#API_KEY}, {@code source}</td></tr>
 * <tr><td>{@code AnthropicAPIKey}</td><td>{@code anthropicAPIKey.secretRef}</td>
 *     <td>{@link ApiKey} type {@link ApiKeyType#ANTHROPIC_API_KEY}</td></tr>
 * <tr><td>{@code AzureAPIKey}</td><td>{@code azureAPIKey.secretRef}</td>
 *     <td>{@link ApiKey} type {@link ApiKeyType#AZURE_API_KEY}</td></tr>
 * <tr><td>{@code GeminiAPIKey} (Switchboard)</td><td>{@code geminiAPIKey.secretRef}</td>
 *     <td>{@link ApiKey} type {@link ApiKeyType#GEMINI_API_KEY}</td></tr>
 * <tr><td>{@code AWSCredentials}</td><td>{@code awsCredentials.region}</td><td>{@link AwsCredentials#region}</td></tr>
 * <tr><td></td><td>{@code awsCredentials.credentialsFile.secretRef} (key {@code credentials})</td>
 *     <td>{@link AwsCredentials#credentialsFile}</td></tr>
 * <tr><td></td><td>{@code awsCredentials.credentialsFile.profile} (default {@code default})</td>
 *     <td>{@link AwsCredentials#profile}</td></tr>
 * <tr><td></td><td>{@code awsCredentials.oidcExchangeToken.awsRoleArn}</td><td>{@link AwsCredentials#roleArn}</td></tr>
 * <tr><td></td><td>(the OIDC token, which Envoy AI Gateway's controller fetches; here a file, as IRSA mounts it)</td>
 *     <td>{@link AwsCredentials#webIdentityTokenFile}</td></tr>
 * <tr><td></td><td>(none: the STS endpoint)</td><td>{@link AwsCredentials#stsEndpoint}</td></tr>
 * <tr><td></td><td>none of the above: the default chain (environment, profile file, web identity)</td>
 *     <td>{@link AwsCredentials} with only a region</td></tr>
 * <tr><td>{@code GCPCredentials}</td><td>{@code gcpCredentials.projectName}, {@code .region}</td>
 *     <td>{@link GcpCredentials#projectName}, {@link GcpCredentials#region}</td></tr>
 * <tr><td></td><td>{@code gcpCredentials.credentialsFile.secretRef} (key {@code service_account.json})</td>
 *     <td>{@link GcpCredentials#credentialsFile}</td></tr>
 * <tr><td></td><td>(none: the key file's {@code token_uri}, overridden)</td><td>{@link GcpCredentials#tokenUri}</td></tr>
 * <tr><td>{@code AzureCredentials}</td><td>{@code azureCredentials.tenantID}, {@code .clientID}</td>
 *     <td>{@link AzureCredentials#tenantId}, {@link AzureCredentials#clientId}</td></tr>
 * <tr><td></td><td>{@code azureCredentials.clientSecretRef} (key {@code client-secret})</td>
 *     <td>{@link AzureCredentials#clientSecret}</td></tr>
 * <tr><td></td><td>(none: {@code https://login.microsoftonline.com/}, or a sovereign cloud's)</td>
 *     <td>{@link AzureCredentials#authorityHost}</td></tr>
 * </table>
 *
 * Not supported yet: GCP {@code workloadIdentityFederationConfig} and Azure {@code oidcExchangeToken}; an error
 * naming them is the config parser's to give.
 */
public sealed interface CredentialSpec {

    /** An API key in {@code type}'s header. @param header overrides the type's header name, or null */
    record ApiKey(ApiKeyType type, String header, SecretSource source) implements CredentialSpec {
        public ApiKey(ApiKeyType type, SecretSource source) {
            this(type, null, source);
        }
    }

    /**
     * SigV4 for Bedrock in {@code region}. Keys from {@code credentialsFile} ({@code profile}, default
     * {@code default}); else by web identity when {@code roleArn} and {@code webIdentityTokenFile} are set; else by
     * the default chain. Every other component may be null.
     *
     * @param stsEndpoint overrides {@code https://sts.{region}.amazonaws.com/}
     */
    record AwsCredentials(String region, Path credentialsFile, String profile, String roleArn, Path webIdentityTokenFile,
            URI stsEndpoint) implements CredentialSpec {
        /** The default chain in {@code region}. */
        public static AwsCredentials defaultChain(String region) {
            return new AwsCredentials(region, null, null, null, null, null);
        }
    }

    /**
     * A service account's access tokens, and the Vertex AI location. @param tokenUri overrides the key file's
     * {@code token_uri}, or null
     */
    record GcpCredentials(String projectName, String region, Path credentialsFile, URI tokenUri) implements CredentialSpec {
        public VertexLocation location() {
            return new VertexLocation(projectName, region);
        }
    }

    /** Entra ID client credentials. @param authorityHost overrides {@code https://login.microsoftonline.com/}, or null */
    record AzureCredentials(String tenantId, String clientId, SecretSource clientSecret, URI authorityHost)
            implements CredentialSpec {
    }
}
