package dev.switchboard.providers;

import dev.switchboard.core.config.ApiSchema;
import dev.switchboard.core.config.Backend;

/** The codec of each wire family, as the client's format and as a backend's. */
final class Codecs {
    private Codecs() {}

    static WireCodec client(ApiSchema.Family family) throws TranslationException {
        throw new TranslationException("no codec for " + family + " yet", null);
    }

    static WireCodec backend(Backend.Schema schema) throws TranslationException {
        throw new TranslationException("no codec for " + schema.name() + " yet", null);
    }

    /** Claude on Bedrock's stream (event-stream frames wrapping Anthropic events) as Anthropic SSE. */
    static UpstreamCall.ResponsePlan bedrockClaudeStream() {
        return UpstreamCall.ResponsePlan.AS_IS;
    }
}
