package dev.switchboard.policy.auth;

import dev.switchboard.core.config.ConfigException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The authenticators a {@link AuthConfig} asks for, as one chain: virtual keys first (their {@code sk-sb-} prefix
 * makes the check one map read), then JWTs. Owns their watchers and fetch thread; {@link #close()} stops them.
 */
public final class ClientAuth implements Authenticator, AutoCloseable {
    private final List<AutoCloseable> owned;
    private final Authenticator chain;

    private ClientAuth(List<Authenticator> parts) {
        this.owned = parts.stream().map(a -> (AutoCloseable) a).toList();
        this.chain = Authenticator.chain(parts);
    }

    /**
     * Starts what {@code config} names: reads the server secret ({@code env} looks up variables) and the key file,
     * and starts watching it and the JWKS file or fetching the JWKS URL. A missing secret or unreadable file is a
     * ConfigException saying what to set.
     */
    public static ClientAuth start(AuthConfig config, Function<String, String> env, Clock clock) throws ConfigException {
        List<Authenticator> parts = new ArrayList<>();
        try {
            if (config.virtualKeys() != null) {
                ServerSecret secret = ServerSecret.load(config.virtualKeys().secret(), env);
                parts.add(VirtualKeys.watching(config.virtualKeys().file(), secret, clock));
            }
            if (config.jwt() != null) {
                parts.add(JwtAuthenticator.create(config.jwt(), clock));
            }
        } catch (RuntimeException e) { // UncheckedIOException, IllegalArgumentException: say which document
            closeAll(parts);
            throw new ConfigException("ClientAuth/" + config.name() + ": " + e.getMessage());
        } catch (ConfigException e) {
            closeAll(parts);
            throw new ConfigException("ClientAuth/" + config.name() + ": " + e.getMessage());
        }
        return new ClientAuth(parts);
    }

    @Override
    public AuthResult authenticate(ClientCredentials credentials) {
        return chain.authenticate(credentials);
    }

    @Override
    public void close() {
        closeAll(owned);
    }

    private static void closeAll(List<? extends Object> parts) {
        for (Object p : parts) {
            try {
                ((AutoCloseable) p).close();
            } catch (Exception e) {
                // closing watchers and a fetch thread; nothing to do about a failure here
            }
        }
    }
}
