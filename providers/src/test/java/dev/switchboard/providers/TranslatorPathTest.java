package dev.switchboard.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.config.ApiSchema;
import dev.switchboard.core.config.Backend;
import dev.switchboard.core.config.HeaderMutation;
import dev.switchboard.core.config.SecurityPolicy;
import dev.switchboard.core.config.Upstream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where each schema's requests go: the providers' documented paths, per API, streamed and not. */
class TranslatorPathTest {
    static final SecurityPolicy GCP = new SecurityPolicy("gcp", SecurityPolicy.Type.GCP_CREDENTIALS, List.of("b"), null,
            null, new SecurityPolicy.Gcp("my-project", "us-east5", null), null);
    static final byte[] CHAT = "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
            .getBytes(StandardCharsets.UTF_8);

    static Backend backend(ApiSchema schema, String prefix, String version) {
        return new Backend("b", new Backend.Schema(schema, prefix, version),
                List.of(new Upstream("example.com", 443, null)), HeaderMutation.NONE,
                schema == ApiSchema.GCP_VERTEX_AI || schema == ApiSchema.GCP_ANTHROPIC ? GCP : null);
    }

    static String path(ClientApi api, ApiSchema schema, String model, boolean stream, String query) throws Exception {
        return Translator.call(api, backend(schema, null, schema == ApiSchema.AZURE_OPENAI ? "2024-10-21" : null),
                () -> CHAT, api.family() == ApiSchema.Family.GEMINI ? model : null, model, stream, query).path();
    }

    @Test
    void eachSchemaGetsItsProvidersPath() throws Exception {
        assertThat(path(ClientApi.OPENAI_CHAT, ApiSchema.OPENAI, "m", false, null)).isEqualTo("/v1/chat/completions");
        assertThat(path(ClientApi.OPENAI_CHAT, ApiSchema.AZURE_OPENAI, "gpt 4o", false, null))
                .isEqualTo("/openai/deployments/gpt%204o/chat/completions?api-version=2024-10-21");
        assertThat(path(ClientApi.OPENAI_CHAT, ApiSchema.AWS_OPENAI, "m", true, null)).isEqualTo("/openai/v1/chat/completions");
        assertThat(path(ClientApi.OPENAI_CHAT, ApiSchema.ANTHROPIC, "claude", true, null)).isEqualTo("/v1/messages");
        assertThat(path(ClientApi.OPENAI_CHAT, ApiSchema.GCP_ANTHROPIC, "claude-sonnet-4-5@20250929", true, null))
                .isEqualTo("/v1/projects/my-project/locations/us-east5/publishers/anthropic/models/"
                        + "claude-sonnet-4-5@20250929:streamRawPredict");
        assertThat(path(ClientApi.ANTHROPIC_MESSAGES, ApiSchema.AWS_ANTHROPIC, "anthropic.claude-3-haiku-20240307-v1:0", true, null))
                .isEqualTo("/model/anthropic.claude-3-haiku-20240307-v1%3A0/invoke-with-response-stream");
        assertThat(path(ClientApi.OPENAI_CHAT, ApiSchema.AWS_BEDROCK, "amazon.nova-pro-v1:0", false, null))
                .isEqualTo("/model/amazon.nova-pro-v1%3A0/converse");
        assertThat(path(ClientApi.OPENAI_CHAT, ApiSchema.GEMINI_API, "gemini-2.5-flash", true, null))
                .isEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
        assertThat(path(ClientApi.ANTHROPIC_MESSAGES, ApiSchema.GCP_VERTEX_AI, "gemini-2.5-pro", false, null))
                .isEqualTo("/v1/projects/my-project/locations/us-east5/publishers/google/models/gemini-2.5-pro:generateContent");
        assertThat(path(ClientApi.ANTHROPIC_COUNT_TOKENS, ApiSchema.GCP_ANTHROPIC, "claude", false, null))
                .isEqualTo("/v1/projects/my-project/locations/us-east5/publishers/anthropic/models/count-tokens:rawPredict");
    }

    @Test
    void aGeminiClientKeepsItsStreamFramingButNeverSendsItsOwnKeyOn() throws Exception {
        assertThat(path(ClientApi.GEMINI_STREAM_GENERATE, ApiSchema.GEMINI_API, "gemini-2.5-flash", true,
                "alt=sse&key=AIzaSyClientKey")).isEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
        assertThat(path(ClientApi.GEMINI_STREAM_GENERATE, ApiSchema.GEMINI_API, "gemini-2.5-flash", true, "key=k"))
                .isEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
    }

    @Test
    void vertexWithoutItsProjectSaysWhatIsMissing() {
        assertThatThrownBy(() -> Translator.call(ClientApi.OPENAI_CHAT, new Backend("v", new Backend.Schema(
                ApiSchema.GCP_VERTEX_AI, null, null), List.of(new Upstream("x", 443, null)), HeaderMutation.NONE, null),
                () -> CHAT, null, "gemini", false, null)).isInstanceOf(TranslationException.class)
                .hasMessageContaining("GCPCredentials").hasMessageContaining("project");
    }
}
