package dev.switchboard.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.config.ApiSchema;
import dev.switchboard.core.config.Backend;
import dev.switchboard.core.config.HeaderMutation;
import dev.switchboard.providers.chat.ChatError;
import dev.switchboard.providers.chat.ChatEvents;
import dev.switchboard.providers.chat.RecordedEvents;
import dev.switchboard.providers.chat.Usage;
import dev.switchboard.providers.eventstream.EventStreamEncoder;
import dev.switchboard.providers.govern.ForwardingEvents;
import dev.switchboard.providers.govern.ResponseHook;
import dev.switchboard.providers.wire.ByteSink;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A {@link ResponseHook} on every pairing of client and backend format: a rewriting hook changes what the client
 * gets in its own format, a watching one sees the events of a response relayed byte for byte, and a hook's error
 * ends the client's response in its format's error.
 */
class TranslatorHookTest {
    private static final ResponseContext CONTEXT = new ResponseContext("m", "req-1", 1700000000L, false);

    /** One pairing: the client's API and request, the backend's schema and its answers (streamed, whole). */
    record Case(String name, ClientApi api, String schema, String request, String query, byte[] streamed,
            byte[] whole) {
        boolean sameBytes() { // relayed as they are when the hook only watches
            return api.family() == ApiSchema.named(schema).family() && !schema.equals("AWSAnthropic");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("OpenAI→OpenAI", ClientApi.OPENAI_CHAT, "OpenAI", OPENAI_REQUEST, null, OPENAI_STREAM,
                        OPENAI_WHOLE),
                new Case("Anthropic→Anthropic", ClientApi.ANTHROPIC_MESSAGES, "Anthropic", ANTHROPIC_REQUEST, null,
                        ANTHROPIC_STREAM, ANTHROPIC_WHOLE),
                new Case("Gemini→Gemini", ClientApi.GEMINI_STREAM_GENERATE, "GeminiAPI", GEMINI_REQUEST, "alt=sse",
                        GEMINI_STREAM, GEMINI_WHOLE),
                new Case("OpenAI→Anthropic", ClientApi.OPENAI_CHAT, "Anthropic", OPENAI_REQUEST, null,
                        ANTHROPIC_STREAM, ANTHROPIC_WHOLE),
                new Case("Anthropic→OpenAI", ClientApi.ANTHROPIC_MESSAGES, "OpenAI", ANTHROPIC_REQUEST, null,
                        OPENAI_STREAM, OPENAI_WHOLE),
                new Case("OpenAI→Bedrock Converse", ClientApi.OPENAI_CHAT, "AWSBedrock", OPENAI_REQUEST, null,
                        converseStream(), CONVERSE_WHOLE),
                new Case("Anthropic→AWSAnthropic", ClientApi.ANTHROPIC_MESSAGES, "AWSAnthropic", ANTHROPIC_REQUEST,
                        null, invokeStream(), ANTHROPIC_WHOLE));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void aRewritingHookChangesTheStreamInTheClientsFormat(Case c) throws Exception {
        ResponseTranslation t = open(c, true, new UpperCase());
        String out = run(t, c.streamed(), 7);
        assertThat(t.contentType()).isEqualTo(Codecs.client(c.api()).contentType(true));
        assertThat(clientEvents(c, true, out).joined()).contains("text:HELLO WORLD").noneMatch(
                l -> l.startsWith("error"));
        assertThat(t.usage().outputTokens()).isEqualTo(2);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void aRewritingHookChangesAWholeAnswerInTheClientsFormat(Case c) throws Exception {
        ResponseTranslation t = open(c, false, new UpperCase());
        String out = run(t, c.whole(), 1 << 16);
        assertThat(t.status(200)).isEqualTo(200);
        assertThat(clientEvents(c, false, out).joined()).contains("text:HELLO WORLD").last().isEqualTo("end");
        assertThat(t.usage().inputTokens()).isEqualTo(5);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void aWatchingHookSeesTheTextAndUsage(Case c) throws Exception {
        for (boolean stream : new boolean[] {true, false}) {
            Watching hook = new Watching();
            byte[] body = stream ? c.streamed() : c.whole();
            ResponseTranslation t = open(c, stream, hook);
            String out = run(t, body, 5);
            assertThat(hook.text.toString()).as("stream %s", stream).isEqualTo("hello world");
            assertThat(hook.usage.outputTokens()).isEqualTo(2);
            assertThat(t.usage().outputTokens()).isEqualTo(2);
            if (c.sameBytes()) { // relayed byte for byte, with the upstream's content type
                assertThat(out.getBytes(StandardCharsets.UTF_8)).isEqualTo(body);
                assertThat(t.contentType()).isNull();
                assertThat(t.streamed()).isEqualTo(stream);
            } else {
                assertThat(clientEvents(c, stream, out).joined()).contains("text:hello world");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void aHooksErrorEndsTheStreamWithTheClientsErrorEvent(Case c) throws Exception {
        for (int chunk : new int[] {3, c.streamed().length}) { // whole: the hook forwards on within one feed
            ResponseTranslation t = open(c, true, new Blocking());
            String out = run(t, c.streamed(), chunk);
            RecordedEvents seen = clientEvents(c, true, out);
            assertThat(seen.lines()).as("chunk %d", chunk).noneMatch(l -> l.startsWith("text")).last().asString()
                    .startsWith("error:").contains("blocked by policy");
            assertThat(out.substring(out.lastIndexOf("blocked by policy"))).doesNotContain("data: {\"");
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void aHooksErrorOnAWholeAnswerIsTheClientsErrorBodyAndStatus(Case c) throws Exception {
        ResponseTranslation t = open(c, false, new Blocking());
        String out = run(t, c.whole(), 1 << 16);
        assertThat(t.status(200)).isEqualTo(400);
        ChatError e = Codecs.client(c.api()).decodeError(400, out.getBytes(StandardCharsets.UTF_8));
        assertThat(e.message()).isEqualTo("blocked by policy");
        assertThat(e.kind()).isEqualTo(ChatError.Kind.INVALID_REQUEST);
    }

    @Test
    void aWatchingHooksDecoderThatFailsNeverBreaksTheRelay() throws Exception {
        Case c = cases().findFirst().orElseThrow();
        ResponseTranslation t = open(c, true, new ResponseHook() {
            @Override
            public ChatEvents wrap(ChatEvents next) {
                return new ForwardingEvents(next) {
                    @Override
                    public void text(CharSequence delta) {
                        throw new IllegalStateException("a bug in the hook");
                    }
                };
            }

            @Override
            public boolean rewrites() {
                return false;
            }
        });
        String out = run(t, c.streamed(), 9);
        assertThat(out.getBytes(StandardCharsets.UTF_8)).isEqualTo(c.streamed());
        assertThat(t.usage()).isEqualTo(Usage.UNKNOWN); // decoding stopped before the usage chunk
    }

    @Test
    void errorsStillPassAsTheyDidWithoutAHook() throws Exception {
        Case c = cases().findFirst().orElseThrow();
        UpstreamCall call = plan(c, true, new UpperCase());
        assertThat(call.responses().open(429, CONTEXT)).isNull(); // same family: as it is
        UpstreamCall crossed = plan(cases().skip(3).findFirst().orElseThrow(), true, new UpperCase());
        assertThat(crossed.responses().open(429, CONTEXT)).isInstanceOf(ErrorTranslation.class);
    }

    @Test
    void aGeminiArrayStreamIsAskedForAsSseAndAnsweredAsTheArray() throws Exception {
        Case c = new Case("Gemini array", ClientApi.GEMINI_STREAM_GENERATE, "GeminiAPI", GEMINI_REQUEST, "key=k",
                GEMINI_STREAM, GEMINI_WHOLE);
        UpstreamCall call = plan(c, true, new Watching());
        assertThat(call.path()).endsWith(":streamGenerateContent?alt=sse").doesNotContain("key=");
        ResponseTranslation t = call.responses().open(200, CONTEXT);
        String out = run(t, GEMINI_STREAM, 11);
        assertThat(out).startsWith("[").endsWith("]").contains("\"hello \"");
    }

    @Test
    void apisWithoutAnEventModelAreNotSeen() throws Exception {
        assertThat(Translator.hookSees(ClientApi.OPENAI_EMBEDDINGS, ApiSchema.OPENAI)).isFalse();
        assertThat(Translator.hookSees(ClientApi.OPENAI_COMPLETIONS, ApiSchema.OPENAI)).isFalse();
        assertThat(Translator.hookSees(ClientApi.OPENAI_RESPONSES, ApiSchema.AZURE_OPENAI)).isFalse();
        assertThat(Translator.hookSees(ClientApi.OPENAI_RESPONSES, ApiSchema.ANTHROPIC)).isTrue();
        assertThat(Translator.hookSees(ClientApi.GEMINI_COUNT_TOKENS, ApiSchema.GEMINI_API)).isFalse();
        assertThat(Translator.hookSees(ClientApi.OPENAI_CHAT, ApiSchema.AWS_BEDROCK)).isTrue();
        UpstreamCall call = Translator.call(ClientApi.OPENAI_EMBEDDINGS, backend("OpenAI"),
                () -> "{\"model\":\"e\",\"input\":\"hi\"}".getBytes(StandardCharsets.UTF_8), null, "e", false, null,
                new UpperCase());
        assertThat(call.responses().open(200, CONTEXT)).isNull();
    }

    // --- hooks

    /** Upper-cases every text delta. */
    private static final class UpperCase implements ResponseHook {
        @Override
        public ChatEvents wrap(ChatEvents next) {
            return new ForwardingEvents(next) {
                @Override
                public void text(CharSequence delta) {
                    next.text(delta.toString().toUpperCase(Locale.ROOT));
                }
            };
        }

        @Override
        public boolean rewrites() {
            return true;
        }
    }

    /** Notes the text and usage, changes nothing. */
    private static final class Watching implements ResponseHook {
        final StringBuilder text = new StringBuilder();
        Usage usage = Usage.UNKNOWN;

        @Override
        public ChatEvents wrap(ChatEvents next) {
            return new ForwardingEvents(next) {
                @Override
                public void text(CharSequence delta) {
                    text.append(delta);
                    next.text(delta);
                }

                @Override
                public void usage(Usage u) {
                    usage = usage.merge(u);
                    next.usage(u);
                }
            };
        }

        @Override
        public boolean rewrites() {
            return false;
        }
    }

    /** Stops the response at its first text, and (as a careless hook might) forwards everything after. */
    private static final class Blocking implements ResponseHook {
        @Override
        public ChatEvents wrap(ChatEvents next) {
            return new ForwardingEvents(next) {
                @Override
                public void text(CharSequence delta) {
                    next.error(ChatError.invalid("blocked by policy", null));
                }
            };
        }

        @Override
        public boolean rewrites() {
            return true;
        }
    }

    // --- plumbing

    private static Backend backend(String schema) {
        return new Backend("b", schema, List.of(), HeaderMutation.NONE);
    }

    private static UpstreamCall plan(Case c, boolean stream, ResponseHook hook) throws TranslationException {
        ClientApi api = c.api() == ClientApi.GEMINI_STREAM_GENERATE && !stream ? ClientApi.GEMINI_GENERATE : c.api();
        String body = stream ? c.request().replace("\"model\": \"m\"", "\"model\": \"m\", \"stream\": true") : c.request();
        return Translator.call(api, backend(c.schema()), () -> body.getBytes(StandardCharsets.UTF_8),
                "m", "m", stream, c.query(), hook);
    }

    private static ResponseTranslation open(Case c, boolean stream, ResponseHook hook) throws TranslationException {
        ResponseTranslation t = plan(c, stream, hook).responses().open(200, CONTEXT);
        assertThat(t).isNotNull();
        return t;
    }

    /** Feeds {@code body} in chunks of {@code size}, taking the output after each, as the gateway does. */
    private static String run(ResponseTranslation t, byte[] body, int size) {
        ByteSink all = new ByteSink();
        for (int i = 0; i < body.length; i += size) {
            t.feed(ByteBuffer.wrap(body, i, Math.min(size, body.length - i)));
            all.write(t.out().toByteArray());
            t.out().reset();
        }
        t.end();
        all.write(t.out().toByteArray());
        return all.toString();
    }

    /** The client's answer read back with its own format's decoder. */
    private static RecordedEvents clientEvents(Case c, boolean stream, String out) throws TranslationException {
        RecordedEvents e = new RecordedEvents();
        ResponseDecoder d = Codecs.client(c.api()).responseDecoder(stream, e);
        d.feed(ByteBuffer.wrap(out.getBytes(StandardCharsets.UTF_8)));
        d.end();
        return e;
    }

    // --- requests and answers: "hello world" in two deltas, 5 tokens in and 2 out

    private static final String OPENAI_REQUEST = """
            {"model": "m", "max_tokens": 100, "messages": [{"role": "user", "content": "hi"}], "stream_options": {"include_usage": true}}
            """;
    private static final String ANTHROPIC_REQUEST = """
            {"model": "m", "max_tokens": 100, "messages": [{"role": "user", "content": "hi"}]}
            """;
    private static final String GEMINI_REQUEST = """
            {"contents": [{"role": "user", "parts": [{"text": "hi"}]}]}
            """;

    private static final byte[] OPENAI_STREAM = bytes("""
            data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"hello "},"finish_reason":null}]}

            data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"world"},"finish_reason":"stop"}]}

            data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}

            data: [DONE]

            """);
    private static final byte[] OPENAI_WHOLE = bytes("""
            {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"hello world"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}
            """);

    private static final String[] ANTHROPIC_EVENTS = {
        "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"m\",\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}",
        "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}",
        "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"hello \"}}",
        "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"world\"}}",
        "{\"type\":\"content_block_stop\",\"index\":0}",
        "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":2}}",
        "{\"type\":\"message_stop\"}"};
    private static final byte[] ANTHROPIC_STREAM = anthropicSse();
    private static final byte[] ANTHROPIC_WHOLE = bytes("""
            {"id":"msg_01","type":"message","role":"assistant","model":"m","content":[{"type":"text","text":"hello world"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":2}}
            """);

    private static final byte[] GEMINI_STREAM = bytes("""
            data: {"candidates":[{"content":{"role":"model","parts":[{"text":"hello "}]}}],"modelVersion":"m"}

            data: {"candidates":[{"content":{"role":"model","parts":[{"text":"world"}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":2,"totalTokenCount":7},"modelVersion":"m"}

            """);
    private static final byte[] GEMINI_WHOLE = bytes("""
            {"candidates":[{"content":{"role":"model","parts":[{"text":"hello world"}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":2,"totalTokenCount":7},"modelVersion":"m"}
            """);

    private static final byte[] CONVERSE_WHOLE = bytes("""
            {"output":{"message":{"role":"assistant","content":[{"text":"hello world"}]}},"stopReason":"end_turn","usage":{"inputTokens":5,"outputTokens":2,"totalTokens":7}}
            """);

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] anthropicSse() {
        StringBuilder sb = new StringBuilder();
        for (String e : ANTHROPIC_EVENTS) {
            String type = e.substring(9, e.indexOf('"', 9));
            sb.append("event: ").append(type).append("\ndata: ").append(e).append("\n\n");
        }
        return bytes(sb.toString());
    }

    private static byte[] converseStream() {
        String[][] events = {{"messageStart", "{\"role\":\"assistant\"}"},
                {"contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"hello \"}}"},
                {"contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"world\"}}"},
                {"contentBlockStop", "{\"contentBlockIndex\":0}"},
                {"messageStop", "{\"stopReason\":\"end_turn\"}"},
                {"metadata", "{\"usage\":{\"inputTokens\":5,\"outputTokens\":2,\"totalTokens\":7}}"}};
        ByteSink out = new ByteSink();
        for (String[] e : events) {
            byte[] p = bytes(e[1]);
            new EventStreamEncoder().event(out, e[0], p, 0, p.length);
        }
        return out.toByteArray();
    }

    private static byte[] invokeStream() {
        ByteSink out = new ByteSink();
        for (String e : ANTHROPIC_EVENTS) {
            byte[] p = bytes("{\"bytes\":\"" + Base64.getEncoder().encodeToString(bytes(e)) + "\"}");
            new EventStreamEncoder().event(out, "chunk", p, 0, p.length);
        }
        return out.toByteArray();
    }
}
