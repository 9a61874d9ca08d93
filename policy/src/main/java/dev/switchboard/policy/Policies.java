package dev.switchboard.policy;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.PolicyDocument;
import dev.switchboard.policy.auth.AuthConfig;
import dev.switchboard.policy.auth.AuthConfigReader;
import dev.switchboard.policy.auth.Authenticator;
import dev.switchboard.policy.auth.ClientAuth;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The governance of one configuration, built from its policy documents: today client authentication
 * ({@code ClientAuth}). A kind whose steps do not run on the request path yet (limits, prices, guardrails) is refused
 * when the configuration loads rather than accepted and ignored: a budget that is not charged must not look
 * configured.
 */
public final class Policies implements AutoCloseable {
    /** No governance: every request runs as {@link Principal#ANONYMOUS}. */
    public static final Policies NONE = new Policies(null);

    private final ClientAuth auth;

    private Policies(ClientAuth auth) {
        this.auth = auth;
    }

    /**
     * Reads every document without starting anything (for {@code validate}).
     *
     * @throws ConfigException naming the first document that is invalid or not enforced yet, and what to do
     */
    public static void check(List<PolicyDocument> documents) throws ConfigException {
        authConfig(documents);
    }

    /** Reads and starts them: key files read and watched, JWKS fetched (off the caller's thread). */
    public static Policies start(List<PolicyDocument> documents, Function<String, String> env, Clock clock)
            throws ConfigException {
        AuthConfig auth = authConfig(documents);
        return auth == null ? NONE : new Policies(ClientAuth.start(auth, env, clock));
    }

    private static AuthConfig authConfig(List<PolicyDocument> documents) throws ConfigException {
        List<AuthConfig> auths = new ArrayList<>();
        for (PolicyDocument d : documents) {
            if (!d.kind().equals("ClientAuth")) {
                throw d.spec().error(d.kind() + " '" + d.name() + "' is recognised but not enforced by this build yet"
                        + " (limits, prices and guardrails are being built: issue 12); remove the document rather"
                        + " than run without what it asks for");
            }
            if (!auths.isEmpty()) {
                throw d.spec().error("a second ClientAuth document; one configuration authenticates its clients one"
                        + " way (one document may hold both virtualKeys and jwt)");
            }
            auths.add(AuthConfigReader.read(d.name(), d.spec(), d.baseDir()));
        }
        return auths.isEmpty() ? null : auths.get(0);
    }

    /** Whether clients must authenticate. */
    public boolean authenticates() {
        return auth != null;
    }

    /** The authenticator, or null when clients need not authenticate. */
    public Authenticator authenticator() {
        return auth;
    }

    /** Stops key-file watches and JWKS fetches; requests already authenticated are not affected. */
    @Override
    public void close() {
        if (auth != null) {
            auth.close();
        }
    }
}
