package dev.switchboard.redis;

import dev.switchboard.policy.limits.RateLimitPolicy;
import io.lettuce.core.RedisURI;
import java.util.function.Function;

/** Where a configured Redis is, as Lettuce addresses it: one home for the host, port, timeout and password. */
final class RedisUris {
    private RedisUris() {}

    /** {@code env} resolves the password variable; a variable that is named but not set is refused (never echoed). */
    static RedisURI of(RateLimitPolicy.RedisStore store, Function<String, String> env) {
        RedisURI.Builder b = RedisURI.builder().withHost(store.host()).withPort(store.port())
                .withTimeout(store.commandTimeout());
        if (store.passwordEnv() != null) {
            String password = env.apply(store.passwordEnv());
            if (password == null || password.isEmpty()) {
                throw new IllegalArgumentException("the Redis password variable " + store.passwordEnv() + " is not set");
            }
            b.withPassword(password.toCharArray());
        }
        return b.build();
    }

    /** host:port, for messages. */
    static String where(RateLimitPolicy.RedisStore store) {
        return store.host() + ":" + store.port();
    }
}
