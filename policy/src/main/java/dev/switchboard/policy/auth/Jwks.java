package dev.switchboard.policy.auth;

import com.nimbusds.jose.jwk.JWKSet;

/**
 * The verification keys a {@link JwksSource} holds now: the public keys, or why there are none yet.
 *
 * @param keys    the public keys, or null before the first good load
 * @param problem why they are not loaded (or, with keys, why the last refresh failed); null when all is well
 */
record Jwks(JWKSet keys, String problem) {
    static Jwks notYet(String problem) {
        return new Jwks(null, problem);
    }
}
