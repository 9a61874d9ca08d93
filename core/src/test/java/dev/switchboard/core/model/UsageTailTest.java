package dev.switchboard.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UsageTailTest {

    private static UsageTail.Usage read(String body, int chunk) {
        return read(body, chunk, -1);
    }

    private static UsageTail.Usage read(String body, int chunk, long declaredLength) {
        UsageTail t = new UsageTail(declaredLength);
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i += chunk) {
            t.add(ByteBuffer.wrap(b, i, Math.min(chunk, b.length - i)));
        }
        return t.usage();
    }

    @Test
    void readsTheUsageAtTheEndOfAJsonBodyWhateverTheChunking() {
        String body = "{\"id\":\"x\",\"choices\":[{\"message\":{\"content\":\"" + "word ".repeat(5000) + "\"}}],"
                + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":5000,\"total_tokens\":5012,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":8}}}";
        for (int chunk : new int[] {1, 7, 100, 4096, body.length()}) {
            assertThat(read(body, chunk)).isEqualTo(new UsageTail.Usage(12, 5000, 8));
        }
    }

    @Test
    void readsTheUsageChunkOfAStreamAndNotAContentDecoy() {
        String stream = "data: {\"choices\":[{\"delta\":{\"content\":\"\\\"usage\\\": {\\\"prompt_tokens\\\": 99}\"}}]}\n\n"
                + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,\"total_tokens\":7}}\n\n"
                + "data: [DONE]\n\n";
        assertThat(read(stream, 5)).isEqualTo(new UsageTail.Usage(3, 4, -1));
    }

    @Test
    void aBodyOfDeclaredLengthIsReadWhateverTheLengthItDeclared() {
        String body = "{\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}";
        UsageTail.Usage expected = new UsageTail.Usage(3, 4, -1);
        assertThat(read(body, 9, body.length())).isEqualTo(expected);
        assertThat(read(body, 9, 20)).as("more than declared: only the last 20 bytes are kept").isNull();
        assertThat(read(body, 9, body.length() + 10)).as("less than declared").isEqualTo(expected);
        assertThat(read(body, 9, 0)).isNull();
    }

    @Test
    void unknownWhenThereIsNoUsageOrItIsCutOff() {
        assertThat(read("data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\ndata: [DONE]\n\n", 3)).isNull();
        assertThat(read("{\"usage\":{\"prompt_tokens\":1", 3)).isNull();
        assertThat(read("", 3)).isNull();
    }
}
