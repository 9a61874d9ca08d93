package dev.switchboard.providers.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.providers.ResponseDecoder;
import dev.switchboard.providers.chat.RecordedEvents;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnthropicStreamDecoderTest {
    private final AnthropicCodec codec = new AnthropicCodec(AnthropicCodec.Flavor.NATIVE, null);

    /** docs.anthropic.com, "Streaming Messages": the basic request's event stream. */
    static final String BASIC = """
            event: message_start
            data: {"type": "message_start", "message": {"id": "msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY", "type": "message", "role": "assistant", "content": [], "model": "claude-opus-4-6", "stop_reason": null, "stop_sequence": null, "usage": {"input_tokens": 25, "output_tokens": 1}}}

            event: content_block_start
            data: {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}

            event: ping
            data: {"type": "ping"}

            event: content_block_delta
            data: {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hello"}}

            event: content_block_delta
            data: {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "!"}}

            event: content_block_stop
            data: {"type": "content_block_stop", "index": 0}

            event: message_delta
            data: {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence":null}, "usage": {"output_tokens": 15}}

            event: message_stop
            data: {"type": "message_stop"}

            """;

    /** docs.anthropic.com, "Streaming Messages": streaming request with tool use (abridged deltas). */
    static final String TOOL_USE = """
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_014p7gG3wDgGV9EUtLvnow3U","type":"message","role":"assistant","model":"claude-opus-4-6","stop_sequence":null,"usage":{"input_tokens":472,"output_tokens":2},"content":[],"stop_reason":null}}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

            event: ping
            data: {"type": "ping"}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Okay, let's check the weather for San Francisco, CA:"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":0}

            event: content_block_start
            data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","name":"get_weather","input":{}}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"location\\":"}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":" \\"San Francisco, CA\\"}"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":1}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":89}}

            event: message_stop
            data: {"type":"message_stop"}

            """;

    /** docs.anthropic.com, "Extended thinking": streaming with thinking, signature_delta before the block ends. */
    static final String THINKING = """
            event: message_start
            data: {"type": "message_start", "message": {"id": "msg_01...", "type": "message", "role": "assistant", "content": [], "model": "claude-sonnet-4-5", "stop_reason": null, "stop_sequence": null}}

            event: content_block_start
            data: {"type": "content_block_start", "index": 0, "content_block": {"type": "thinking", "thinking": ""}}

            event: content_block_delta
            data: {"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": "I need to find the GCD of 1071 and 462 using the Euclidean algorithm.\\n\\n1071 = 2 × 462 + 147"}}

            event: content_block_delta
            data: {"type": "content_block_delta", "index": 0, "delta": {"type": "signature_delta", "signature": "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds..."}}

            event: content_block_stop
            data: {"type": "content_block_stop", "index": 0}

            event: content_block_start
            data: {"type": "content_block_start", "index": 1, "content_block": {"type": "text", "text": ""}}

            event: content_block_delta
            data: {"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": "The greatest common divisor (GCD) of 1071 and 462 is **21**."}}

            event: content_block_stop
            data: {"type": "content_block_stop", "index": 1}

            event: message_delta
            data: {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": null}}

            event: message_stop
            data: {"type": "message_stop"}

            """;

    static RecordedEvents decode(ResponseDecoder d, RecordedEvents out, String body, int chunk) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i += chunk) {
            d.feed(ByteBuffer.wrap(b, i, Math.min(chunk, b.length - i)));
        }
        d.end();
        return out;
    }

    private RecordedEvents decode(String body, int chunk) {
        RecordedEvents out = new RecordedEvents();
        return decode(codec.responseDecoder(true, out), out, body, chunk);
    }

    @Test
    void basicStreamInOneChunkAndByteByByte() {
        List<String> expected = List.of("start:msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY:claude-opus-4-6",
                "usage:25/1/-1/-1/-1", "text:Hello!", "usage:25/15/-1/-1/-1", "finish:END_TURN:null", "end");
        assertThat(decode(BASIC, BASIC.length()).joined()).isEqualTo(expected);
        RecordedEvents bytewise = decode(BASIC, 1);
        assertThat(bytewise.joined()).isEqualTo(expected);
        assertThat(bytewise.lines()).contains("text:Hello", "text:!");
    }

    @Test
    void toolUseIndexCountsToolCallsNotBlocksAndJoinsArguments() {
        assertThat(decode(TOOL_USE, 7).joined()).containsExactly(
                "start:msg_014p7gG3wDgGV9EUtLvnow3U:claude-opus-4-6", "usage:472/2/-1/-1/-1",
                "text:Okay, let's check the weather for San Francisco, CA:",
                "tool:0:toolu_01T1x1fJ34qAmk2tNTrN7Up6:get_weather",
                "args:0:{\"location\": \"San Francisco, CA\"}",
                "usage:472/89/-1/-1/-1", "finish:TOOL_USE:null", "end");
    }

    @Test
    void thinkingWithSignature() {
        assertThat(decode(THINKING, 3).joined()).containsExactly(
                "start:msg_01...:claude-sonnet-4-5",
                "thinking:I need to find the GCD of 1071 and 462 using the Euclidean algorithm.\n\n1071 = 2 × 462 + 147",
                "signature:EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds...",
                "text:The greatest common divisor (GCD) of 1071 and 462 is **21**.",
                "finish:END_TURN:null", "end");
    }

    @Test
    void cacheCountsAddUpToTotalInputAndMessageDeltaUpdatesThem() {
        String s = """
                event: message_start
                data: {"type":"message_start","message":{"id":"m","model":"c","usage":{"input_tokens":10,"cache_read_input_tokens":100,"cache_creation_input_tokens":5,"output_tokens":1}}}

                event: message_delta
                data: {"type":"message_delta","delta":{"stop_reason":"stop_sequence","stop_sequence":"END"},"usage":{"output_tokens":7}}

                event: message_stop
                data: {"type":"message_stop"}

                """;
        assertThat(decode(s, 5).lines()).containsExactly("start:m:c", "usage:115/1/100/5/-1", "usage:115/7/100/5/-1",
                "finish:STOP_SEQUENCE:END", "end");
    }

    @Test
    void toolWithoutArgumentsGetsAnEmptyObject() {
        String s = """
                event: message_start
                data: {"type":"message_start","message":{"id":"m","model":"c"}}

                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"t1","name":"now","input":{}}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":0}

                event: message_delta
                data: {"type":"message_delta","delta":{"stop_reason":"tool_use"}}

                event: message_stop
                data: {"type":"message_stop"}

                """;
        assertThat(decode(s, 64).lines()).containsExactly("start:m:c", "tool:0:t1:now", "args:0:{}",
                "finish:TOOL_USE:null", "end");
    }

    @Test
    void errorEventEndsTheStreamWithAnOverloadedError() {
        String s = BASIC.substring(0, BASIC.indexOf("event: content_block_stop"))
                + "event: error\ndata: {\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\", \"message\": \"Overloaded\"}}\n\n";
        assertThat(decode(s, 11).joined()).endsWith("text:Hello!", "error:529:OVERLOADED:Overloaded");
    }

    @Test
    void aCutStreamIsAnErrorNotAnEnd() {
        String cut = BASIC.substring(0, BASIC.indexOf("event: message_delta"));
        List<String> lines = decode(cut, 13).joined();
        assertThat(lines).doesNotContain("end");
        assertThat(lines.get(lines.size() - 1)).startsWith("error:502:SERVER:");
    }

    @Test
    void malformedEventIsAnError() {
        String s = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\"\n\n";
        assertThat(decode(s, 100).lines()).hasSize(1).first().asString().startsWith("error:502:SERVER:");
    }

    @Test
    void bedrockPayloadsFedOneByOneReadTheTypeFromTheJson() {
        AnthropicCodec bedrock = new AnthropicCodec(AnthropicCodec.Flavor.BEDROCK, null);
        RecordedEvents out = new RecordedEvents();
        AnthropicStreamDecoder d = bedrock.streamEventDecoder(out);
        for (String line : TOOL_USE.split("\n")) {
            if (line.startsWith("data: ")) {
                byte[] json = line.substring(6).getBytes(StandardCharsets.UTF_8);
                d.onEvent(null, json, 0, json.length);
            }
        }
        d.end();
        assertThat(out.joined()).isEqualTo(decode(TOOL_USE, 1000).joined());
    }
}
