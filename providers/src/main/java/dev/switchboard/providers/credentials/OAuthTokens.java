package dev.switchboard.providers.credentials;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** Reads an OAuth2 token response (RFC 6749 §5.1): {@code access_token}, {@code token_type}, {@code expires_in}. */
final class OAuthTokens {
    private OAuthTokens() {
    }

    /**
     * @param fetchedAt when the request was sent: the lifetime counts from then, so a slow answer errs early
     * @param endpoint  names the endpoint in errors
     */
    static Expiring<Secret> bearer(JsonNode answer, Instant fetchedAt, String endpoint) throws TokenFetchException {
        JsonNode token = answer == null ? null : answer.get("access_token");
        if (token == null || !token.isTextual() || token.asText().isEmpty()) {
            throw new TokenFetchException(endpoint + " answered without an access_token");
        }
        JsonNode type = answer.get("token_type");
        if (type != null && type.isTextual() && !type.asText().equalsIgnoreCase("bearer")) {
            throw new TokenFetchException(endpoint + " answered a token of type " + type.asText() + ", not Bearer");
        }
        long seconds = TokenHttp.seconds(answer, "expires_in");
        return new Expiring<>(Secret.of(token.asText()), fetchedAt.plusSeconds(seconds));
    }
}
