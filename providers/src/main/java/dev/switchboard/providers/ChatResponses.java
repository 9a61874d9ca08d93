package dev.switchboard.providers;

import dev.switchboard.providers.chat.ChatError;
import dev.switchboard.providers.chat.ChatEvents;
import dev.switchboard.providers.chat.ChatRequest;
import dev.switchboard.providers.chat.FinishReason;
import dev.switchboard.providers.chat.Usage;
import dev.switchboard.providers.wire.ByteSink;
import java.nio.ByteBuffer;

/**
 * Responses of a backend in another family than the client's: a 2xx body is decoded into events and encoded in the
 * client's format as it arrives; any other status is read whole and answered as the client's error shape.
 */
final class ChatResponses implements UpstreamCall.ResponsePlan {
    private final WireCodec backend;
    private final WireCodec client;
    private final boolean stream;
    private final ChatRequest request;

    /** {@code request}: the client's, as decoded (its include_usage, and the settings some answers repeat). */
    ChatResponses(WireCodec backend, WireCodec client, boolean stream, ChatRequest request) {
        this.backend = backend;
        this.client = client;
        this.stream = stream;
        this.request = request;
    }

    @Override
    public ResponseTranslation open(int status, ResponseContext context) {
        return status / 100 == 2 ? new Events(new ResponseContext(context.model(), context.requestId(),
                context.created(), request.includeUsage(), request)) : new ErrorTranslation(status, backend, client);
    }

    /** Backend events → client format, with the usage noted on the way. */
    private final class Events implements ResponseTranslation {
        private final ByteSink out = new ByteSink(1024);
        private final ChatEvents encoder;
        private final ResponseDecoder decoder;
        private Usage usage = Usage.UNKNOWN;
        private ChatError failed;

        Events(ResponseContext context) {
            this.encoder = client.responseEncoder(stream, context, out);
            this.decoder = backend.responseDecoder(stream, new UsageTap());
        }

        @Override
        public boolean streamed() {
            return stream;
        }

        @Override
        public String contentType() {
            return client.contentType(stream);
        }

        @Override
        public void feed(ByteBuffer chunk) {
            decoder.feed(chunk);
        }

        @Override
        public void end() {
            decoder.end();
        }

        @Override
        public ByteSink out() {
            return out;
        }

        @Override
        public Usage usage() {
            return usage;
        }

        @Override
        public int status(int upstream) {
            return failed != null && !stream ? failed.status() : upstream;
        }

        /** Passes the events on to the client's encoder, noting the usage. */
        private final class UsageTap implements ChatEvents {
            @Override
            public void start(String id, String model) {
                encoder.start(id, model);
            }

            @Override
            public void text(CharSequence delta) {
                encoder.text(delta);
            }

            @Override
            public void thinking(CharSequence delta) {
                encoder.thinking(delta);
            }

            @Override
            public void thinkingSignature(String signature) {
                encoder.thinkingSignature(signature);
            }

            @Override
            public void redactedThinking(String data) {
                encoder.redactedThinking(data);
            }

            @Override
            public void toolCall(int index, String id, String name) {
                encoder.toolCall(index, id, name);
            }

            @Override
            public void toolArguments(int index, CharSequence delta) {
                encoder.toolArguments(index, delta);
            }

            @Override
            public void usage(Usage u) {
                usage = usage.merge(u);
                encoder.usage(u);
            }

            @Override
            public void finish(FinishReason reason, String stopSequence) {
                encoder.finish(reason, stopSequence);
            }

            @Override
            public void end() {
                encoder.end();
            }

            @Override
            public void error(ChatError error) {
                failed = error;
                encoder.error(error);
            }
        }
    }
}
