package dev.switchboard.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.config.ApiSchema;
import org.junit.jupiter.api.Test;

class ClientPathsTest {
    @Test
    void openAiAndAnthropicPathsAreTheirApis() {
        assertThat(ClientPaths.of("/v1/chat/completions")).isEqualTo(new ClientPaths.Target(ClientApi.OPENAI_CHAT, null));
        assertThat(ClientPaths.of("/v1/messages").api()).isEqualTo(ClientApi.ANTHROPIC_MESSAGES);
        assertThat(ClientPaths.of("/anthropic/v1/messages/count_tokens").api())
                .isEqualTo(ClientApi.ANTHROPIC_COUNT_TOKENS);
    }

    @Test
    void theAnthropicPrefixServesAnthropicsApisOnly() {
        assertThat(ClientPaths.of("/anthropic/v1/chat/completions")).isNull();
        assertThat(ClientPaths.of("/v1/nothing")).isNull();
    }

    @Test
    void aGeminiModelRunsToTheLastColonAndIsDecoded() {
        assertThat(ClientPaths.of("/v1beta/models/meta-llama/Llama-3.1-8B-Instruct:streamGenerateContent"))
                .isEqualTo(new ClientPaths.Target(ClientApi.GEMINI_STREAM_GENERATE, "meta-llama/Llama-3.1-8B-Instruct"));
        assertThat(ClientPaths.of("/v1/models/a%3Ab:generateContent"))
                .isEqualTo(new ClientPaths.Target(ClientApi.GEMINI_GENERATE, "a:b"));
        assertThat(ClientPaths.of("/v1beta/models/gemini:unknownMethod")).isNull();
        assertThat(ClientPaths.of("/v1beta/models/:generateContent")).isNull();
    }

    @Test
    void anUnknownPathGetsTheErrorShapeItsPrefixSuggests() {
        assertThat(ClientPaths.familyOf("/anthropic/v1/x")).isEqualTo(ApiSchema.Family.ANTHROPIC);
        assertThat(ClientPaths.familyOf("/v1beta/x")).isEqualTo(ApiSchema.Family.GEMINI);
        assertThat(ClientPaths.familyOf("/v2/x")).isEqualTo(ApiSchema.Family.OPENAI);
    }
}
