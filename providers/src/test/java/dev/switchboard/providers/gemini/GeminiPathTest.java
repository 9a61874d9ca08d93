package dev.switchboard.providers.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GeminiPathTest {

    @Test
    void plainModel() {
        assertThat(GeminiPath.parse("/v1beta/models/gemini-2.5-flash:generateContent"))
                .isEqualTo(new GeminiPath("gemini-2.5-flash", "generateContent"));
    }

    @Test
    void slashedModelTakesEverythingUpToTheLastColon() {
        GeminiPath p = GeminiPath.parse("/v1beta/models/meta-llama/Llama-3.1-8B-Instruct:streamGenerateContent?alt=sse");
        assertThat(p).isEqualTo(new GeminiPath("meta-llama/Llama-3.1-8B-Instruct", "streamGenerateContent"));
        assertThat(p.streams()).isTrue();
    }

    @Test
    void urlEncodedSlashesAndColonsAreDecoded() {
        assertThat(GeminiPath.parse("/v1/models/meta-llama%2FLlama-3.1-8B-Instruct:countTokens"))
                .isEqualTo(new GeminiPath("meta-llama/Llama-3.1-8B-Instruct", "countTokens"));
        assertThat(GeminiPath.parse("/v1beta/models/llama3%3A8b:generateContent"))
                .isEqualTo(new GeminiPath("llama3:8b", "generateContent"));
    }

    @Test
    void vertexPublisherPath() {
        assertThat(GeminiPath.parse("/v1/projects/p1/locations/us-central1/publishers/google/models/gemini-2.5-pro"
                + ":generateContent")).isEqualTo(new GeminiPath("gemini-2.5-pro", "generateContent"));
    }

    @Test
    void notAGeminiMethodPath() {
        assertThat(GeminiPath.parse("/v1/chat/completions")).isNull();
        assertThat(GeminiPath.parse("/v1beta/models/gemini-2.5-flash")).isNull();
        assertThat(GeminiPath.parse("/v1beta/models/gemini:")).isNull();
        assertThat(GeminiPath.parse("/v2/models/x:generateContent")).isNull();
        assertThat(GeminiPath.parse("/v1beta/models/bad%zz:generateContent")).isNull();
    }
}
