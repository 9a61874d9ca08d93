package dev.switchboard.providers.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.providers.chat.ChatError;
import dev.switchboard.providers.eventstream.EventStreamEncoder;
import dev.switchboard.providers.wire.ByteSink;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class InvokeStreamUnwrapperTest {
    private final List<String> lines = new ArrayList<>();
    private final InvokeStreamUnwrapper unwrapper = new InvokeStreamUnwrapper(new InvokeStreamUnwrapper.Listener() {
        @Override
        public void onEvent(byte[] json, int offset, int length) {
            lines.add(new String(json, offset, length, StandardCharsets.UTF_8));
        }

        @Override
        public void onError(ChatError error) {
            lines.add("error:" + error.status() + ":" + error.message());
        }
    });

    private static void chunk(ByteSink out, String anthropicEvent) {
        String b64 = Base64.getEncoder().encodeToString(anthropicEvent.getBytes(StandardCharsets.UTF_8));
        byte[] p = ("{\"bytes\":\"" + b64 + "\",\"p\":\"abcdefghij\"}").getBytes(StandardCharsets.UTF_8);
        new EventStreamEncoder().event(out, "chunk", p, 0, p.length);
    }

    private void feed(byte[] body, int size) {
        for (int i = 0; i < body.length; i += size) {
            unwrapper.feed(ByteBuffer.wrap(body, i, Math.min(size, body.length - i)));
        }
    }

    @Test
    void handsEachAnthropicEventOnWhateverTheChunking() {
        String start = "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_bdrk_01\",\"type\":\"message\","
                + "\"role\":\"assistant\",\"model\":\"claude-3-5-sonnet-20240620\",\"content\":[],"
                + "\"usage\":{\"input_tokens\":10,\"output_tokens\":1}}}";
        String delta = "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\","
                + "\"text\":\"Héllo\"}}";
        ByteSink out = new ByteSink();
        chunk(out, start);
        chunk(out, delta);
        feed(out.toByteArray(), 1);
        assertThat(lines).containsExactly(start, delta);
        assertThat(unwrapper.pending()).isFalse();
    }

    @Test
    void anExceptionFrameIsAnErrorWithItsStatus() {
        ByteSink out = new ByteSink();
        chunk(out, "{\"type\":\"ping\"}");
        byte[] p = "{\"message\":\"Rate exceeded\"}".getBytes(StandardCharsets.UTF_8);
        new EventStreamEncoder().exception(out, "throttlingException", p, 0, p.length);
        chunk(out, "{\"type\":\"ping\"}"); // ignored after the failure
        feed(out.toByteArray(), 7);
        assertThat(lines).containsExactly("{\"type\":\"ping\"}", "error:429:Bedrock throttlingException: Rate exceeded");
    }

    @Test
    void aCorruptFrameIsA502() {
        ByteSink out = new ByteSink();
        chunk(out, "{\"type\":\"ping\"}");
        byte[] body = out.toByteArray();
        body[body.length - 1] ^= 1;
        feed(body, 100);
        assertThat(lines).hasSize(1).first().asString().startsWith("error:502:Bedrock's stream is not a valid");
    }
}
