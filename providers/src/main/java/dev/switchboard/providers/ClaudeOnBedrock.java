package dev.switchboard.providers;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.switchboard.providers.anthropic.AnthropicCodec;
import dev.switchboard.providers.anthropic.AnthropicStreamDecoder;
import dev.switchboard.providers.bedrock.InvokeStreamUnwrapper;
import dev.switchboard.providers.chat.ChatError;
import dev.switchboard.providers.chat.ChatEvents;
import dev.switchboard.providers.chat.ChatRequest;
import dev.switchboard.providers.chat.Usage;
import dev.switchboard.providers.wire.ByteSink;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Claude on Bedrock (InvokeModel): Anthropic's Messages bodies, but its stream comes as AWS event-stream frames whose
 * {@code chunk} payloads wrap each Anthropic event in base64. As a backend codec it reads those frames into events;
 * as a {@link UpstreamCall.ResponsePlan} for an Anthropic client it re-frames them as Anthropic's own SSE, byte for
 * byte what Anthropic would have sent, reading the usage on the way.
 */
final class ClaudeOnBedrock implements WireCodec {
    private static final JsonFactory JSON = new JsonFactory();

    private final AnthropicCodec codec;

    ClaudeOnBedrock(String version) {
        this.codec = new AnthropicCodec(AnthropicCodec.Flavor.BEDROCK, version);
    }

    @Override
    public ChatRequest decodeRequest(byte[] body, String pathModel) throws TranslationException {
        return codec.decodeRequest(body, pathModel);
    }

    @Override
    public byte[] encodeRequest(ChatRequest request) throws TranslationException {
        return codec.encodeRequest(request);
    }

    @Override
    public ResponseDecoder responseDecoder(boolean stream, ChatEvents out) {
        return stream ? new Frames(out, null) : codec.responseDecoder(false, out);
    }

    @Override
    public ChatEvents responseEncoder(boolean stream, ResponseContext context, ByteSink out) {
        return codec.responseEncoder(stream, context, out);
    }

    @Override
    public ChatError decodeError(int status, byte[] body) {
        return codec.decodeError(status, body);
    }

    @Override
    public byte[] encodeError(ChatError error) {
        return codec.encodeError(error);
    }

    @Override
    public String contentType(boolean stream) {
        return codec.contentType(stream);
    }

    /** An Anthropic client's view of a Claude-on-Bedrock response: its stream re-framed, its errors in its shape. */
    static UpstreamCall.ResponsePlan forAnthropicClients(String version, boolean stream) {
        ClaudeOnBedrock backend = new ClaudeOnBedrock(version);
        return (status, context) -> {
            if (status / 100 != 2) {
                return new ErrorTranslation(status, backend, new AnthropicCodec(AnthropicCodec.Flavor.NATIVE, null));
            }
            return stream ? new Reframed() : null;
        };
    }

    /** Event-stream frames → each unwrapped Anthropic event to the stream decoder (and, re-framing, to SSE). */
    private static final class Frames implements ResponseDecoder, InvokeStreamUnwrapper.Listener {
        private final ChatEvents out;
        private final AnthropicStreamDecoder events;
        private final ByteSink sse;
        private final InvokeStreamUnwrapper frames = new InvokeStreamUnwrapper(this);
        private boolean failed;

        /** {@code sse}: where to write each event as Anthropic SSE, or null to only decode. */
        Frames(ChatEvents out, ByteSink sse) {
            this.out = out;
            this.events = new AnthropicStreamDecoder(out);
            this.sse = sse;
        }

        @Override
        public void feed(ByteBuffer chunk) {
            frames.feed(chunk);
        }

        @Override
        public void end() {
            if (!failed) {
                events.end(); // reports a stream that ended before message_stop
            }
        }

        @Override
        public void onEvent(byte[] json, int offset, int length) {
            if (sse != null) {
                String type = typeOf(json, offset, length);
                if (type != null) {
                    sse.writeAscii("event: ");
                    sse.writeAscii(type);
                    sse.write('\n');
                }
                sse.writeAscii("data: ");
                sse.write(json, offset, length);
                sse.writeAscii("\n\n");
            }
            events.onEvent(null, json, offset, length);
        }

        @Override
        public void onError(ChatError error) {
            if (sse != null) {
                sse.writeAscii("event: error\ndata: ");
                sse.write(new AnthropicCodec(AnthropicCodec.Flavor.NATIVE, null).encodeError(error));
                sse.writeAscii("\n\n");
            }
            failed = true;
            out.error(error);
        }

        /** The event's top-level {@code type}, which Anthropic also names the SSE event by. */
        private static String typeOf(byte[] json, int offset, int length) {
            try (JsonParser p = JSON.createParser(json, offset, length)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    return null;
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken t = p.nextToken();
                    if (name.equals("type") && t == JsonToken.VALUE_STRING) {
                        return p.getText();
                    }
                    p.skipChildren();
                }
            } catch (IOException e) {
                return null;
            }
            return null;
        }
    }

    /** A stream re-framed as Anthropic SSE, with the usage noted from the same events. */
    private static final class Reframed implements ResponseTranslation {
        private final ByteSink out = new ByteSink(1024);
        private final UsageOnly seen = new UsageOnly();
        private final Frames frames = new Frames(seen, out);

        @Override
        public boolean streamed() {
            return true;
        }

        @Override
        public String contentType() {
            return "text/event-stream";
        }

        @Override
        public void feed(ByteBuffer chunk) {
            frames.feed(chunk);
        }

        @Override
        public void end() {
            frames.end();
        }

        @Override
        public ByteSink out() {
            return out;
        }

        @Override
        public Usage usage() {
            return seen.usage();
        }

        /** The bytes went out as they were; of the events, only the usage is needed. */
        private final class UsageOnly extends UsageOnlyEvents {
            @Override
            public void error(ChatError error) { // a stream that ended without message_stop: say so, as Anthropic does
                if (!frames.failed) {
                    out.writeAscii("event: error\ndata: ");
                    out.write(new AnthropicCodec(AnthropicCodec.Flavor.NATIVE, null).encodeError(error));
                    out.writeAscii("\n\n");
                }
            }
        }
    }
}
