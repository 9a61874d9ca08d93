package dev.switchboard.providers.credentials;

/**
 * A token endpoint refused or answered something unusable. The message says which endpoint and why (status, the
 * endpoint's error code) and never holds a secret: request bodies are never quoted, response bodies only through the
 * error fields a token endpoint defines.
 */
final class TokenFetchException extends Exception {
    TokenFetchException(String message) {
        super(message, null, false, false);
    }
}
