package dev.switchboard.providers;

import dev.switchboard.providers.chat.ChatError;

/**
 * A request that cannot be translated faithfully: a field the target format lacks and that would change the answer,
 * a malformed part. Answered to the client as a 400 (in its API's shape) naming the field, before any upstream is
 * called.
 */
public final class TranslationException extends Exception {
    private final String param;

    /**
     * @param message for a person: what is wrong and what to do instead
     * @param param   the client's field at fault (a JSON path such as {@code messages[2].content[0].type}), or null
     */
    public TranslationException(String message, String param) {
        super(message, null, false, false);
        this.param = param;
    }

    public String param() {
        return param;
    }

    public ChatError toError() {
        return ChatError.invalid(getMessage(), param);
    }
}
