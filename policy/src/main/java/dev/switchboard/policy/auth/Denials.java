package dev.switchboard.policy.auth;

import java.util.Map;

/**
 * The one home of the refusals clients see: their status, message, code and {@code WWW-Authenticate} header
 * (RFC 6750 §3). Unknown key ids and wrong secrets get the same answer, so a caller cannot probe which ids exist.
 */
final class Denials {
    static final String REALM = "switchboard";
    static final String ACCEPTED = "Authorization: Bearer <key>, x-api-key, api-key or x-goog-api-key";

    private Denials() {}

    /** No credential at all: the challenge without an error code, as RFC 6750 §3.1 asks. */
    static AuthResult.Denied noCredentials() {
        return new AuthResult.Denied(401, "no credentials: send Authorization: Bearer <key> (also accepted: x-api-key,"
                + " api-key, x-goog-api-key)", "missing_credentials",
                Map.of("WWW-Authenticate", "Bearer realm=\"" + REALM + "\""));
    }

    static AuthResult.Denied keyInQuery(String parameter) {
        return new AuthResult.Denied(401, "a credential in the URL (query parameter '" + parameter + "') is refused:"
                + " URLs end up in logs; send it in a header (" + ACCEPTED + "), and treat that key as exposed",
                "credential_in_query", invalidRequest());
    }

    static AuthResult.Denied malformed(String why) {
        return new AuthResult.Denied(401, "credentials refused: " + why, "malformed_credentials", invalidRequest());
    }

    /** A credential no configured authenticator recognizes (a provider's key sent to the gateway, say). */
    static AuthResult.Denied unrecognized() {
        return invalidToken("invalid credentials: neither a Switchboard key (sk-sb-...) nor an accepted token",
                "invalid_credentials");
    }

    static AuthResult.Denied invalidKey() {
        return invalidToken("invalid key", "invalid_key");
    }

    static AuthResult.Denied invalidToken(String message, String code) {
        return new AuthResult.Denied(401, message, code,
                Map.of("WWW-Authenticate", "Bearer realm=\"" + REALM + "\", error=\"invalid_token\""));
    }

    static AuthResult.Denied forbidden(String message, String code) {
        return new AuthResult.Denied(403, message, code,
                Map.of("WWW-Authenticate", "Bearer realm=\"" + REALM + "\", error=\"insufficient_scope\""));
    }

    private static Map<String, String> invalidRequest() {
        return Map.of("WWW-Authenticate", "Bearer realm=\"" + REALM + "\", error=\"invalid_request\"");
    }
}
