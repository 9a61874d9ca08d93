package dev.switchboard.bench.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ChunkReaderTest {
    private static Chunk read(String json) throws IOException {
        byte[] b = ("xx" + json + "yy").getBytes(StandardCharsets.UTF_8);
        return ChunkReader.read(b, 2, b.length - 4);
    }

    @Test
    void chatDelta() throws IOException {
        Chunk c = read("{\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" hi\"},\"logprobs\":null,\"finish_reason\":null}]}");
        assertThat(c.content()).isEqualTo(" hi");
        assertThat(c.hasUsage()).isFalse();
        assertThat(c.isError()).isFalse();
    }

    @Test
    void roleChunkHasNoContent() throws IOException {
        assertThat(read("{\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}").hasContent()).isFalse();
        assertThat(read("{\"choices\":[{\"delta\":{\"content\":null}}]}").hasContent()).isFalse();
    }

    @Test
    void completionText() throws IOException {
        assertThat(read("{\"choices\":[{\"text\":\"abc\",\"finish_reason\":null}]}").content()).isEqualTo("abc");
    }

    @Test
    void usageChunkWithCachedTokens() throws IOException {
        Chunk c = read("{\"choices\":[],\"usage\":{\"prompt_tokens\":120,\"completion_tokens\":30,\"total_tokens\":150,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":96}}}");
        assertThat(c.promptTokens()).isEqualTo(120);
        assertThat(c.completionTokens()).isEqualTo(30);
        assertThat(c.cachedTokens()).isEqualTo(96);
        assertThat(c.hasContent()).isFalse();
    }

    @Test
    void nullUsageAndDetails() throws IOException {
        Chunk c = read("{\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1,\"prompt_tokens_details\":null}}");
        assertThat(c.cachedTokens()).isEqualTo(Chunk.ABSENT);
        assertThat(read("{\"usage\":null}").hasUsage()).isFalse();
    }

    @Test
    void wholeResponseMessage() throws IOException {
        Chunk c = read("{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"the end\"}}],"
                + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}");
        assertThat(c.content()).isEqualTo("the end");
        assertThat(c.completionTokens()).isEqualTo(2);
    }

    @Test
    void errorObject() throws IOException {
        Chunk c = read("{\"error\":{\"message\":\"overloaded\",\"type\":\"x\",\"param\":null,\"code\":503}}");
        assertThat(c.errorMessage()).isEqualTo("overloaded");
        assertThat(c.errorCode()).isEqualTo(503);
        assertThat(read("{\"error\":{\"message\":\"m\",\"code\":\"rate_limit_exceeded\"}}").errorCode()).isEqualTo(Chunk.ABSENT);
    }

    @Test
    void badJsonThrows() {
        assertThatThrownBy(() -> read("{\"choices\":[{")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> read("[1]")).isInstanceOf(IOException.class);
    }
}
