package dev.switchboard.providers;

import dev.switchboard.providers.chat.ChatError;
import dev.switchboard.providers.chat.ChatEvents;
import dev.switchboard.providers.chat.ChatRequest;
import dev.switchboard.providers.chat.FinishReason;
import dev.switchboard.providers.chat.Usage;
import dev.switchboard.providers.govern.ResponseHook;
import dev.switchboard.providers.wire.ByteSink;
import java.nio.ByteBuffer;

/**
 * Responses of a backend in another family than the client's: a 2xx body is decoded into events and encoded in the
 * client's format as it arrives; any other status is read whole and answered as the client's error shape. With a
 * {@link ResponseHook}, the events pass through the hook on their way to the client's encoder (this is also how a
 * same-family response is rewritten: decoded and re-encoded in the one format).
 */
final class ChatResponses implements UpstreamCall.ResponsePlan {
    private final WireCodec backend;
    private final WireCodec client;
    private final boolean stream;
    private final boolean includeUsage;
    private final ChatRequest request;
    private final ResponseHook hook;

    /** {@code request}: the client's, as decoded (its include_usage, and the settings some answers repeat). */
    ChatResponses(WireCodec backend, WireCodec client, boolean stream, ChatRequest request) {
        this(backend, client, stream, request.includeUsage(), request, null);
    }

    /**
     * @param includeUsage whether a streamed OpenAI answer ends with the usage chunk (the client asked for it)
     * @param request      the client's request as decoded, or null for a client format whose answer repeats none of
     *                     it (all but the Responses API's)
     * @param hook         sees each 2xx response's events, or null
     */
    ChatResponses(WireCodec backend, WireCodec client, boolean stream, boolean includeUsage, ChatRequest request,
            ResponseHook hook) {
        this.backend = backend;
        this.client = client;
        this.stream = stream;
        this.includeUsage = includeUsage;
        this.request = request;
        this.hook = hook;
    }

    @Override
    public ResponseTranslation open(int status, ResponseContext context) {
        return status / 100 == 2 ? new Events(new ResponseContext(context.model(), context.requestId(),
                context.created(), includeUsage, request)) : new ErrorTranslation(status, backend, client);
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
            UsageTap tap = new UsageTap();
            this.decoder = backend.responseDecoder(stream, hook == null ? tap : hook.wrap(tap));
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
            if (failed == null) { // after an error nothing follows, so the rest is not decoded
                decoder.feed(chunk);
            }
        }

        @Override
        public void end() {
            if (failed == null) {
                decoder.end();
            }
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

        /**
         * Passes the events on to the client's encoder, noting the usage. Nothing follows an error, even from a hook
         * that forwards on after calling it: those events are dropped here.
         */
        private final class UsageTap implements ChatEvents {
            @Override
            public void start(String id, String model) {
                if (failed == null) {
                    encoder.start(id, model);
                }
            }

            @Override
            public void text(CharSequence delta) {
                if (failed == null) {
                    encoder.text(delta);
                }
            }

            @Override
            public void thinking(CharSequence delta) {
                if (failed == null) {
                    encoder.thinking(delta);
                }
            }

            @Override
            public void thinkingSignature(String signature) {
                if (failed == null) {
                    encoder.thinkingSignature(signature);
                }
            }

            @Override
            public void redactedThinking(String data) {
                if (failed == null) {
                    encoder.redactedThinking(data);
                }
            }

            @Override
            public void toolCall(int index, String id, String name) {
                if (failed == null) {
                    encoder.toolCall(index, id, name);
                }
            }

            @Override
            public void toolArguments(int index, CharSequence delta) {
                if (failed == null) {
                    encoder.toolArguments(index, delta);
                }
            }

            @Override
            public void usage(Usage u) {
                if (failed == null) {
                    usage = usage.merge(u);
                    encoder.usage(u);
                }
            }

            @Override
            public void finish(FinishReason reason, String stopSequence) {
                if (failed == null) {
                    encoder.finish(reason, stopSequence);
                }
            }

            @Override
            public void end() {
                if (failed == null) {
                    encoder.end();
                }
            }

            @Override
            public void error(ChatError error) {
                if (failed == null) {
                    failed = error;
                    encoder.error(error);
                }
            }
        }
    }
}
