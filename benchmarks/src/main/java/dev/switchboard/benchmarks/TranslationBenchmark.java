package dev.switchboard.benchmarks;

import static dev.switchboard.benchmarks.TranslationFixtures.*;

import dev.switchboard.providers.ResponseContext;
import dev.switchboard.providers.ResponseDecoder;
import dev.switchboard.providers.TranslationException;
import dev.switchboard.providers.WireCodec;
import dev.switchboard.providers.anthropic.AnthropicCodec;
import dev.switchboard.providers.bedrock.BedrockConverseCodec;
import dev.switchboard.providers.chat.ChatEvents;
import dev.switchboard.providers.chat.ChatRequest;
import dev.switchboard.providers.eventstream.EventStreamEncoder;
import dev.switchboard.providers.gemini.GeminiCodec;
import dev.switchboard.providers.openai.OpenAiChatCodec;
import dev.switchboard.providers.wire.ByteSink;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What translating across provider families costs, with the codecs called directly (no gateway, no sockets):
 * <ul>
 *   <li>{@code request}: a client's ~1 KB chat request (a system prompt, three turns, one tool) decoded into the chat
 *       model and encoded for the backend, for each ingress × backend pair that translates;</li>
 *   <li>{@code response}: the backend's whole answer (a sentence and a tool call) decoded into events and encoded as
 *       the client's body, for the same pairs;</li>
 *   <li>{@code chunk}: one streamed text delta through a decoder and encoder in steady state (the same pair for every
 *       operation, primed with the stream's opening events; the output sink is emptied each time, as the gateway
 *       empties it after each chunk), in each backend's framing: SSE, and Bedrock's binary event-stream.</li>
 * </ul>
 * Run with {@code -prof gc} for the bytes allocated per operation: a chunk's should be the JSON parser each event
 * costs and little else.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class TranslationBenchmark {

    /** The wire families, each with its codec, a request and an answer in its format. */
    enum Family {
        OPENAI(new OpenAiChatCodec(), "gpt-4o-mini", OPENAI_REQUEST, OPENAI_RESPONSE),
        ANTHROPIC(new AnthropicCodec(AnthropicCodec.Flavor.NATIVE, null), "claude-sonnet-4-5", ANTHROPIC_REQUEST,
                ANTHROPIC_RESPONSE),
        GEMINI(new GeminiCodec(), "gemini-2.0-flash", GEMINI_REQUEST, GEMINI_RESPONSE),
        BEDROCK(new BedrockConverseCodec(), "anthropic.claude-3-5-sonnet-20240620-v1:0", null, BEDROCK_RESPONSE);

        final WireCodec codec;
        final String model;
        final byte[] request;
        final byte[] response;

        Family(WireCodec codec, String model, byte[] request, byte[] response) {
            this.codec = codec;
            this.model = model;
            this.request = request;
            this.response = response;
        }

        ChatRequest decode(byte[] body) throws TranslationException {
            // Gemini's model is in the client's path, not its body
            return this == GEMINI ? codec.decodeRequest(body, model) : codec.decodeRequest(body, null);
        }
    }

    /** An ingress × backend pair that translates ({@code client>backend}). */
    @State(Scope.Thread)
    public static class Pair {
        @Param({"openai>anthropic", "openai>gemini", "openai>bedrock", "anthropic>openai", "anthropic>gemini",
                "anthropic>bedrock", "gemini>openai", "gemini>anthropic"})
        String pair;

        Family client;
        Family backend;
        final ByteSink out = new ByteSink(4096);
        final ResponseContext context = new ResponseContext("m", "req-1", 1_741_570_283L, false);

        @Setup
        public void setUp() throws TranslationException {
            String[] p = pair.split(">");
            client = Family.valueOf(p[0].toUpperCase());
            backend = Family.valueOf(p[1].toUpperCase());
            byte[] once = backend.codec.encodeRequest(client.decode(client.request).withModel(backend.model));
            if (once.length == 0) {
                throw new IllegalStateException("empty translation for " + pair);
            }
        }
    }

    @Benchmark
    public byte[] request(Pair p) throws TranslationException {
        return p.backend.codec.encodeRequest(p.client.decode(p.client.request).withModel(p.backend.model));
    }

    @Benchmark
    public int response(Pair p) {
        p.out.reset();
        ChatEvents encoder = p.client.codec.responseEncoder(false, p.context, p.out);
        ResponseDecoder decoder = p.backend.codec.responseDecoder(false, encoder);
        decoder.feed(ByteBuffer.wrap(p.backend.response));
        decoder.end();
        return p.out.size();
    }

    /** One stream, kept open: a backend decoder feeding a client encoder, after the stream's opening events. */
    @State(Scope.Thread)
    public static class Stream {
        @Param({"openai>anthropic", "anthropic>openai", "gemini>openai", "bedrock>openai"})
        String stream;

        final ByteSink out = new ByteSink(4096);
        ResponseDecoder decoder;
        ByteBuffer chunk;

        @Setup
        public void setUp() {
            String[] p = stream.split(">");
            Family backend = Family.valueOf(p[0].toUpperCase());
            Family client = Family.valueOf(p[1].toUpperCase());
            ChatEvents encoder = client.codec.responseEncoder(true,
                    new ResponseContext(client.model, "req-1", 1_741_570_283L, true), out);
            decoder = backend.codec.responseDecoder(true, encoder);
            byte[] opening;
            byte[] delta;
            switch (backend) {
                case OPENAI -> { opening = OPENAI_CHUNK; delta = OPENAI_CHUNK; }
                case ANTHROPIC -> { opening = ANTHROPIC_STREAM_START; delta = ANTHROPIC_CHUNK; }
                case GEMINI -> { opening = GEMINI_CHUNK; delta = GEMINI_CHUNK; }
                case BEDROCK -> {
                    EventStreamEncoder frames = new EventStreamEncoder();
                    ByteSink sink = new ByteSink(512);
                    frames.event(sink, "messageStart", BEDROCK_MESSAGE_START, 0, BEDROCK_MESSAGE_START.length);
                    opening = sink.toByteArray();
                    sink.reset();
                    frames.event(sink, "contentBlockDelta", BEDROCK_DELTA, 0, BEDROCK_DELTA.length);
                    delta = sink.toByteArray();
                }
                default -> throw new IllegalArgumentException(stream);
            }
            decoder.feed(ByteBuffer.wrap(opening));
            chunk = ByteBuffer.wrap(delta);
            out.reset();
            decoder.feed(chunk);
            String written = out.toString();
            if (!written.contains(DELTA)) {
                throw new IllegalStateException(stream + ": the delta did not come through: " + written);
            }
        }
    }

    @Benchmark
    public int chunk(Stream s) {
        s.out.reset();
        s.decoder.feed(s.chunk);
        return s.out.size();
    }
}
