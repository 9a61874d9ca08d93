package dev.switchboard.extproc.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ModelNameRestorerTest {
    static final String SSE = "data: {\"id\":\"1\",\"model\":\"llama-8b\",\"choices\":[]}\n\n"
            + "data: {\"id\":\"2\",\"model\": \"llama-8b\",\"content\":\"say \\\"model\\\":\\\"llama-8b\\\"\"}\n\n"
            + "data: {\"model\" :\t\"llama-8b-v2\",\"x\":\"llama-8b\"}\n\ndata: [DONE]\n\n";
    static final String RESTORED = "data: {\"id\":\"1\",\"model\":\"food-review\",\"choices\":[]}\n\n"
            + "data: {\"id\":\"2\",\"model\": \"food-review\",\"content\":\"say \\\"model\\\":\\\"llama-8b\\\"\"}\n\n"
            + "data: {\"model\" :\t\"llama-8b-v2\",\"x\":\"llama-8b\"}\n\ndata: [DONE]\n\n";

    static String run(String in, int... cuts) throws IOException {
        ModelNameRestorer r = new ModelNameRestorer("llama-8b", "food-review");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] bytes = in.getBytes(StandardCharsets.UTF_8);
        int from = 0;
        for (int cut : cuts) {
            r.next(ByteString.copyFrom(bytes, from, cut - from)).writeTo(out);
            from = cut;
        }
        r.next(ByteString.copyFrom(bytes, from, bytes.length - from)).writeTo(out);
        r.end().writeTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void restoresModelKeysOnlyNotTextInsideStringsOrLongerNames() throws IOException {
        assertThat(run(SSE)).isEqualTo(RESTORED);
    }

    @Test
    void aCutAtAnyByteGivesTheSameResult() throws IOException {
        for (int cut = 1; cut < SSE.length(); cut++) {
            assertThat(run(SSE, cut)).as("cut at " + cut).isEqualTo(RESTORED);
        }
    }

    @Test
    void oneByteChunksGiveTheSameResult() throws IOException {
        int[] cuts = new int[SSE.length() - 1];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = i + 1;
        }
        assertThat(run(SSE, cuts)).isEqualTo(RESTORED);
    }

    @Test
    void holdsBackOnlyWhatMayStartAMatch() {
        ModelNameRestorer r = new ModelNameRestorer("llama-8b", "food-review");
        assertThat(r.next(ByteString.copyFromUtf8("{\"id\":\"x\",\"mod")).toStringUtf8()).isEqualTo("{\"id\":\"x\",");
        assertThat(r.next(ByteString.copyFromUtf8("el\":\"llama-8b\"}")).toStringUtf8())
                .isEqualTo("\"model\":\"food-review\"}");
        assertThat(r.next(ByteString.copyFromUtf8("plain text")).toStringUtf8()).isEqualTo("plain text");
        assertThat(r.end().isEmpty()).isTrue();
    }
}
