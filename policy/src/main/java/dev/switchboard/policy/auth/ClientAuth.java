package dev.switchboard.policy.auth;

import dev.switchboard.core.config.ConfigException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The authenticators a {@link AuthConfig} asks for, as one chain: virtual keys first (their {@code sk-sb-} prefix
 * makes the check one map read), then JWTs. Owns their watchers, store connections and fetch thread;
 * {@link #close()} stops them.
 */
public final class ClientAuth implements Authenticator, AutoCloseable {
    /** Opens the Redis that {@code virtualKeys.redis} names (the {@code redis} module's key store). */
    @FunctionalInterface
    public interface RedisKeySource {
        /**
         * Loads every key into {@code index} (blocking, once: at load) and keeps it current until closed. Throws,
         * naming host:port, when Redis cannot be reached now.
         */
        AutoCloseable open(AuthConfig.RedisKeys redis, KeyIndex index, Function<String, String> env);

        /** For processes without the Redis key store: a configuration that names one is refused. */
        RedisKeySource NONE = (redis, index, env) -> {
            throw new IllegalStateException("virtualKeys.redis is not available in this process (the ext_proc server"
                    + " reads virtual keys from a key file only): use virtualKeys.file");
        };
    }

    private final List<AutoCloseable> owned;
    private final Authenticator chain;

    private ClientAuth(List<Authenticator> parts, List<AutoCloseable> owned) {
        this.owned = List.copyOf(owned);
        this.chain = Authenticator.chain(parts);
    }

    /** {@link #start(AuthConfig, Function, Clock, RedisKeySource)} without a Redis key store. */
    public static ClientAuth start(AuthConfig config, Function<String, String> env, Clock clock) throws ConfigException {
        return start(config, env, clock, RedisKeySource.NONE);
    }

    /**
     * Starts what {@code config} names: reads the server secret ({@code env} looks up variables) and the keys (the
     * key file, watched from then on, or Redis through {@code redis}), and starts watching the JWKS file or fetching
     * the JWKS URL. A missing secret, an unreadable file or an unreachable Redis is a ConfigException saying what
     * to set.
     */
    public static ClientAuth start(AuthConfig config, Function<String, String> env, Clock clock,
            RedisKeySource redis) throws ConfigException {
        List<Authenticator> parts = new ArrayList<>();
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            AuthConfig.Keys keys = config.virtualKeys();
            if (keys != null) {
                ServerSecret secret = ServerSecret.load(keys.secret(), env);
                if (keys.file() != null) {
                    VirtualKeys file = VirtualKeys.watching(keys.file(), secret, clock);
                    owned.add(file);
                    parts.add(file);
                } else {
                    KeyIndex index = new KeyIndex(secret, clock);
                    owned.add(redis.open(keys.redis(), index, env));
                    parts.add(index);
                }
            }
            if (config.jwt() != null) {
                JwtAuthenticator jwt = JwtAuthenticator.create(config.jwt(), clock);
                owned.add(jwt);
                parts.add(jwt);
            }
        } catch (RuntimeException e) { // UncheckedIOException, IllegalArgumentException: say which document
            closeAll(owned);
            throw new ConfigException("ClientAuth/" + config.name() + ": " + e.getMessage());
        } catch (ConfigException e) {
            closeAll(owned);
            throw new ConfigException("ClientAuth/" + config.name() + ": " + e.getMessage());
        }
        return new ClientAuth(parts, owned);
    }

    @Override
    public AuthResult authenticate(ClientCredentials credentials) {
        return chain.authenticate(credentials);
    }

    @Override
    public void close() {
        closeAll(owned);
    }

    private static void closeAll(List<AutoCloseable> parts) {
        for (AutoCloseable p : parts) {
            try {
                p.close();
            } catch (Exception e) {
                // closing watchers, connections and a fetch thread; nothing to do about a failure here
            }
        }
    }
}
