package dev.switchboard.policy.auth;

import dev.switchboard.policy.Principal;
import java.util.Map;
import java.util.Objects;

/** What an {@link Authenticator} decided about one request's credential. */
public sealed interface AuthResult {

    /** The credential is valid: the request runs as {@code principal}. */
    record Authenticated(Principal principal) implements AuthResult {
        public Authenticated {
            Objects.requireNonNull(principal, "principal");
        }
    }

    /**
     * The request is refused. The gateway renders it in the caller's API shape (an OpenAI, Anthropic or Gemini error
     * body) with these headers. The message holds no part of the credential.
     *
     * @param status  401 (no or invalid credentials) or 403 (valid, but not allowed)
     * @param message for the person reading the client's error, saying what to do
     * @param code    a stable machine-readable code ({@code invalid_key}, {@code key_expired}, ...)
     * @param headers response headers, e.g. {@code WWW-Authenticate}
     */
    record Denied(int status, String message, String code, Map<String, String> headers) implements AuthResult {
        public Denied {
            if (status != 401 && status != 403) {
                throw new IllegalArgumentException("an authentication denial is a 401 or a 403, not " + status);
            }
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(code, "code");
            headers = Map.copyOf(headers);
        }
    }

    /**
     * Not a credential of this authenticator's kind (a JWT shown to the virtual keys, a key shown to the JWT
     * verifier): a chain asks the next one. Never the final answer to a client.
     */
    record Abstained() implements AuthResult {}

    AuthResult ABSTAINED = new Abstained();
}
