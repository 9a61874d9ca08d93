package dev.switchboard.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestScannerTest {

    private static RequestScanner scan(String json, int chunk) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        RequestScanner s = new RequestScanner();
        for (int i = 0; i < bytes.length; i += chunk) {
            s.feed(ByteBuffer.wrap(bytes, i, Math.min(chunk, bytes.length - i)));
        }
        s.end();
        return s;
    }

    @Test
    void findsTheTopLevelModelAcrossAnyChunkingAndIgnoresNestedDecoys() throws IOException {
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"{\\\"model\\\":\\\"decoy\\\"}\",\"model\":\"nested\"}],"
                + "\"metadata\":{\"model\":\"inner\"},\"model\":\"llama-3\",\"stream\":true}";
        for (int chunk : new int[] {1, 2, 3, 7, 64, body.length()}) {
            RequestScanner s = scan(body, chunk);
            assertThat(s.model()).as("chunk %d", chunk).isEqualTo("llama-3");
            assertThat(s.stream()).isTrue();
            assertThat(s.modelProblem()).isNull();
        }
    }

    @Test
    void knowsTheByteRangeOfTheModelValueSoItCanBeReplaced() throws IOException {
        String body = "{\"messages\":[{\"content\":\"h\u00e9llo \u2603\"}], \"model\" : \"llama\\\"3\" ,\"n\":1}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        for (int chunk : new int[] {1, 5, bytes.length}) {
            RequestScanner s = scan(body, chunk);
            String value = new String(bytes, (int) s.modelStart(), (int) (s.modelEnd() - s.modelStart()), StandardCharsets.UTF_8);
            assertThat(value).as("chunk %d", chunk).isEqualTo("\"llama\\\"3\"");
            assertThat(s.model()).isEqualTo("llama\"3");
        }
    }

    @Test
    void knowsWhereThePromptStarts() throws IOException {
        String body = "{\"model\":\"m\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        for (int chunk : new int[] {1, 4, body.length()}) {
            RequestScanner s = scan(body, chunk);
            assertThat(body.substring((int) s.promptStart())).startsWith("[{\"role\"");
        }
        String completion = "{\"prompt\":\"Once upon\",\"model\":\"m\"}";
        assertThat(completion.substring((int) scan(completion, 3).promptStart())).startsWith("\"Once upon\"");
        assertThat(scan("{\"model\":\"m\"}", 3).promptStart()).isEqualTo(-1);
    }

    @Test
    void reportsAMissingOrMistypedModel() throws IOException {
        assertThat(scan("{\"prompt\":\"x\"}", 4).modelProblem()).isEqualTo("missing");
        assertThat(scan("{\"model\":42}", 4).modelProblem()).isEqualTo("not a string");
        assertThat(scan("{\"model\":{\"name\":\"x\"}}", 4).modelProblem()).isEqualTo("not a string");
        assertThat(scan("{\"model\":\"\"}", 4).modelProblem()).isEqualTo("empty");
        assertThat(scan("{\"model\":\"m\",\"stream\":\"yes\"}", 4).streamInvalid()).isTrue();
        assertThat(scan("{\"model\":\"m\"}", 4).stream()).isFalse();
    }

    @Test
    void rejectsMalformedTruncatedAndNonObjectBodies() {
        assertThatThrownBy(() -> scan("{\"model\":\"m\",}", 3)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> scan("{\"model\":\"m\"", 3)).hasMessageContaining("ends before");
        assertThatThrownBy(() -> scan("[1,2]", 3)).hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> scan("", 3)).hasMessageContaining("empty");
        assertThatThrownBy(() -> scan("{} {}", 3)).hasMessageContaining("after the JSON object");
    }

    @Test
    void aBareWordIsRefusedWithoutQuotingIt() {
        String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":nullAnaPerez_4111111111111111}]}";
        for (int chunk : new int[] {1, 7, body.length()}) {
            assertThatThrownBy(() -> scan(body, chunk)).isInstanceOf(IOException.class)
                    .hasMessageStartingWith("Unrecognized token: was expecting").hasMessageContaining("(line 1, column ")
                    .hasMessageNotContaining("AnaPerez").hasNoCause();
        }
        // the other messages keep Jackson's words, which quote one character at most
        assertThatThrownBy(() -> scan("{\"a\": xAnaPerez}", 4)).hasMessageStartingWith("Unexpected character ('x'")
                .hasMessageNotContaining("AnaPerez");
    }

    @Test
    void rejectsInvalidUtf8() {
        RequestScanner s = new RequestScanner();
        byte[] bad = {'{', '"', 'm', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        assertThatThrownBy(() -> {
            s.feed(ByteBuffer.wrap(bad));
            s.end();
        }).isInstanceOf(IOException.class);
    }
}
