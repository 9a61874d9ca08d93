package dev.switchboard.policy.auth;

import java.util.List;

/**
 * Decides who a request's credential belongs to (design step 3). Synchronous and non-blocking: it runs on the
 * request's event loop, so anything remote (a JWKS URL) is fetched in the background into what this reads.
 */
public interface Authenticator {

    /** Authenticated, Denied, or Abstained when the credential is not of this authenticator's kind. */
    AuthResult authenticate(ClientCredentials credentials);

    /**
     * The first of {@code authenticators}, in order, that recognizes the credential answers. Before any is asked,
     * the credential is read strictly ({@link PresentedCredential}): a key in the query string, a header sent
     * twice or a malformed value is refused there. When none recognizes it: 401 (no credentials, or an
     * unrecognized one).
     */
    static Authenticator chain(List<Authenticator> authenticators) {
        List<Authenticator> list = List.copyOf(authenticators);
        if (list.isEmpty()) {
            throw new IllegalArgumentException("a chain of no authenticators would refuse everyone");
        }
        return credentials -> {
            PresentedCredential.Reading read = PresentedCredential.read(credentials);
            if (read instanceof PresentedCredential.Refused refused) {
                return refused.denied();
            }
            if (read instanceof PresentedCredential.Absent) {
                return Denials.noCredentials();
            }
            for (Authenticator a : list) {
                AuthResult r = a.authenticate(credentials);
                if (!(r instanceof AuthResult.Abstained)) {
                    return r;
                }
            }
            return Denials.unrecognized();
        };
    }
}
