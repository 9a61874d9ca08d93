package dev.switchboard.providers;

import dev.switchboard.core.config.ApiSchema;
import dev.switchboard.providers.chat.ChatError;

/** Errors the gateway answers itself, in the shape of the client's API (Anthropic's SDK does not read OpenAI's). */
public final class ClientErrors {
    private ClientErrors() {}

    /** The body of {@code error} for a client of {@code family}'s API. */
    public static byte[] encode(ApiSchema.Family family, ChatError error) {
        try {
            return Codecs.client(family).encodeError(error);
        } catch (TranslationException e) {
            throw new IllegalArgumentException("no client API of family " + family, e);
        }
    }
}
