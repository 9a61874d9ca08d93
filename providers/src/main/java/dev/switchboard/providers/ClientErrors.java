package dev.switchboard.providers;

import dev.switchboard.core.config.ApiSchema;
import dev.switchboard.core.error.ApiError;
import dev.switchboard.providers.chat.ChatError;

/** Errors the gateway answers itself, in the shape of the client's API (Anthropic's SDK does not read OpenAI's). */
public final class ClientErrors {
    private ClientErrors() {}

    /**
     * The body of an error the gateway (or the Envoy processor) answers itself: OpenAI's shape is core's own (with
     * its machine-readable code); the others come from their codecs.
     */
    public static byte[] body(ApiSchema.Family family, ApiError error) {
        if (family == ApiSchema.Family.OPENAI) {
            return error.toJson();
        }
        return encode(family, new ChatError(error.status(), ChatError.kindOf(error.status()), error.message(),
                error.param()));
    }

    /** The body of {@code error} for a client of {@code family}'s API. */
    public static byte[] encode(ApiSchema.Family family, ChatError error) {
        try {
            return Codecs.client(family).encodeError(error);
        } catch (TranslationException e) {
            throw new IllegalArgumentException("no client API of family " + family, e);
        }
    }
}
