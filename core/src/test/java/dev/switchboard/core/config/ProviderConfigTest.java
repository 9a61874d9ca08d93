package dev.switchboard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AIServiceBackend schemas (Envoy AI Gateway's names) and BackendSecurityPolicy documents. */
class ProviderConfigTest {
    static String backend(String name, String schema) {
        return """
                ---
                apiVersion: aigateway.envoyproxy.io/v1beta1
                kind: AIServiceBackend
                metadata: {name: %s}
                spec:
                  schema: %s
                  backendRef: {name: %s-host, kind: Backend, group: gateway.envoyproxy.io}
                ---
                apiVersion: gateway.envoyproxy.io/v1alpha1
                kind: Backend
                metadata: {name: %s-host}
                spec: {endpoints: [{fqdn: {hostname: %s.example.com, port: 443}}]}
                """.formatted(name, schema, name, name, name);
    }

    static final String ROUTE = """
            apiVersion: aigateway.envoyproxy.io/v1beta1
            kind: AIGatewayRoute
            metadata: {name: main}
            spec:
              rules:
              - backendRefs: [{name: claude}]
            """;

    static GatewayConfig parse(String yaml, Path dir) throws ConfigException {
        return ConfigLoader.parse(yaml, "test.yaml", dir);
    }

    @Test
    void everyEnvoyAiGatewaySchemaLoadsWithItsPrefixAndVersion(@TempDir Path dir) throws Exception {
        String yaml = ROUTE + backend("claude", "{name: Anthropic}") + backend("azure", "{name: AzureOpenAI, version: 2025-04-01-preview}")
                + backend("bedrock", "{name: AWSBedrock}") + backend("aws-claude", "{name: AWSAnthropic, version: bedrock-2023-05-31}")
                + backend("vertex", "{name: GCPVertexAI}") + backend("vertex-claude", "{name: GCPAnthropic, version: vertex-2023-10-16}")
                + backend("gemini", "{name: GeminiAPI}") + backend("aws-openai", "{name: AWSOpenAI}")
                + backend("gemini-compat", "{name: OpenAI, prefix: /v1beta/openai}") + backend("old", "{name: OpenAI, version: v1}");
        GatewayConfig c = parse(yaml, dir);
        assertThat(c.backends()).extracting(b -> b.schema().name().configName()).containsExactly("Anthropic",
                "AzureOpenAI", "AWSBedrock", "AWSAnthropic", "GCPVertexAI", "GCPAnthropic", "GeminiAPI", "AWSOpenAI",
                "OpenAI", "OpenAI");
        assertThat(c.backends().get(1).schema().version()).isEqualTo("2025-04-01-preview");
        assertThat(c.backends().get(8).schema().prefix()).isEqualTo("/v1beta/openai");
        assertThat(c.backends().get(9).schema().prefix()).as("version: v1 is the older spelling of the prefix").isEqualTo("/v1");
    }

    @Test
    void unknownSchemasAndMisplacedFieldsAreRefusedWithTheirPath(@TempDir Path dir) {
        assertThatThrownBy(() -> parse(ROUTE + backend("claude", "{name: Claude}"), dir))
                .hasMessageContaining("spec.schema.name").hasMessageContaining("unknown schema 'Claude'")
                .hasMessageContaining("AWSBedrock");
        assertThatThrownBy(() -> parse(ROUTE + backend("claude", "{name: AzureOpenAI}"), dir))
                .hasMessageContaining("spec.schema.version").hasMessageContaining("api-version");
        assertThatThrownBy(() -> parse(ROUTE + backend("claude", "{name: AWSBedrock, prefix: /x}"), dir))
                .hasMessageContaining("spec.schema.prefix");
    }

    @Test
    void apiKeyPoliciesNameWhereTheKeyLivesNeverTheKey(@TempDir Path dir) throws Exception {
        Path key = Files.writeString(dir.resolve("anthropic.key"), "sk-ant-secret\n");
        String yaml = ROUTE + backend("claude", "{name: Anthropic}") + """
                ---
                apiVersion: aigateway.envoyproxy.io/v1beta1
                kind: BackendSecurityPolicy
                metadata: {name: claude-key}
                spec:
                  targetRefs: [{group: aigateway.envoyproxy.io, kind: AIServiceBackend, name: claude}]
                  type: AnthropicAPIKey
                  anthropicAPIKey: {file: anthropic.key}
                """;
        Backend b = parse(yaml, dir).backends().get(0);
        assertThat(b.security().type()).isEqualTo(SecurityPolicy.Type.ANTHROPIC_API_KEY);
        assertThat(b.security().apiKey().file()).isEqualTo(key);
        assertThat(b.security().toString()).doesNotContain("sk-ant-secret");
    }

    @Test
    void cloudCredentialPoliciesLoadAndUnsupportedOnesSayWhatToDoInstead(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("sa.json"), "{}");
        String gcp = ROUTE + backend("claude", "{name: GCPAnthropic}") + """
                ---
                apiVersion: aigateway.envoyproxy.io/v1beta1
                kind: BackendSecurityPolicy
                metadata: {name: gcp}
                spec:
                  targetRefs: [{name: claude}]
                  type: GCPCredentials
                  gcpCredentials: {projectName: my-project, region: us-east5, credentialsFile: {file: sa.json}}
                """;
        SecurityPolicy.Gcp g = parse(gcp, dir).backends().get(0).security().gcp();
        assertThat(g.projectName()).isEqualTo("my-project");
        assertThat(g.region()).isEqualTo("us-east5");

        String secretRef = gcp.replace("credentialsFile: {file: sa.json}", "credentialsFile: {secretRef: {name: sa}}");
        assertThatThrownBy(() -> parse(secretRef, dir)).hasMessageContaining("spec.gcpCredentials.credentialsFile.secretRef")
                .hasMessageContaining("file:");
        String wrongTarget = gcp.replace("targetRefs: [{name: claude}]", "targetRefs: [{name: clade}]");
        assertThatThrownBy(() -> parse(wrongTarget, dir)).hasMessageContaining("no AIServiceBackend named 'clade'");
        String aws = gcp.replace("type: GCPCredentials", "type: AWSCredentials")
                .replace("gcpCredentials: {projectName: my-project, region: us-east5, credentialsFile: {file: sa.json}}",
                        "awsCredentials: {region: us-east-1, oidcExchangeToken: {awsRoleArn: x}}");
        assertThatThrownBy(() -> parse(aws, dir)).hasMessageContaining("spec.awsCredentials.oidcExchangeToken")
                .hasMessageContaining("AWS_WEB_IDENTITY_TOKEN_FILE");
        String mixed = gcp.replace("type: GCPCredentials", "type: APIKey");
        assertThatThrownBy(() -> parse(mixed, dir)).hasMessageContaining("gcpCredentials");
    }

    @Test
    void bodyMutationIsRefusedRatherThanIgnored(@TempDir Path dir) {
        String yaml = ROUTE + backend("claude", "{name: Anthropic}\n  bodyMutation: {set: [{path: x, value: y}]}");
        assertThatThrownBy(() -> parse(yaml, dir)).hasMessageContaining("bodyMutation").hasMessageContaining("not supported");
    }
}
