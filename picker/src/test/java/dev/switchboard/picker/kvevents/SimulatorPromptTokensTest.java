package dev.switchboard.picker.kvevents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.model.ApproxTokenizer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SimulatorPromptTokensTest {
    /** The gateway hands the prompt's bytes over as Latin-1 characters. */
    static String asGatewayReads(String json) {
        return new String(json.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    @Test
    void messagesAreRenderedWithTheSimulatorsTemplate() {
        String json = "[{\"role\":\"system\",\"content\":\"Be brief. \\\"Quote\\\" ünïcode\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hi\"},{\"type\":\"text\",\"text\":\" there\"}],"
                + "\"name\":\"x\"}]";
        String rendered = "<|system|>\nBe brief. \"Quote\" ünïcode\n<|user|>\nHi there\n<|assistant|>\n";

        assertThat(SimulatorPromptTokens.ids(asGatewayReads(json))).containsExactly(ApproxTokenizer.ids(rendered));
    }

    @Test
    void aCompletionsPromptIsItsText() {
        assertThat(SimulatorPromptTokens.ids("\"once upon a time\\n\"")).containsExactly(
                ApproxTokenizer.ids("once upon a time\n"));
    }

    @Test
    void aPromptCutShortKeepsTheWholeTurnsBeforeTheCut() {
        String json = "[{\"role\":\"system\",\"content\":\"You are a pilot.\"},{\"role\":\"user\",\"content\":\"Land the pla";
        assertThat(SimulatorPromptTokens.ids(json)).containsExactly(ApproxTokenizer.ids("<|system|>\nYou are a pilot.\n"));
        assertThat(SimulatorPromptTokens.ids("{\"not\":\"a prompt\"}")).isEmpty();
        assertThat(SimulatorPromptTokens.ids("")).isEmpty();
        assertThat(SimulatorPromptTokens.ids("[{\"content\":\"no role\"}]")).isEmpty();
    }
}
