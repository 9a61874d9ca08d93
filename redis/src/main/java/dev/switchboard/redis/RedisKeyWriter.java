package dev.switchboard.redis;

import dev.switchboard.policy.auth.AuthConfig;
import dev.switchboard.policy.auth.KeyRecord;
import dev.switchboard.policy.limits.RateLimitPolicy;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Writes virtual keys into Redis for {@link RedisKeyStore}s to read: each write sets the key's field of
 * {@code <prefix>keys} and publishes its id on {@code <prefix>keys:changed}, so every replica re-reads it within a
 * moment. What {@code switchboard keys create|list|revoke --redis} runs; blocking, for a command-line tool.
 */
public final class RedisKeyWriter implements AutoCloseable {
    /** A tool waits longer than a request would: the first connection's handshake alone can take a while. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final String hashKey;
    private final String channel;
    private final String where;

    private RedisKeyWriter(RedisClient client, StatefulRedisConnection<String, String> connection, String prefix,
            String where) {
        this.client = client;
        this.connection = connection;
        this.hashKey = AuthConfig.RedisKeys.hashKey(prefix);
        this.channel = AuthConfig.RedisKeys.channel(prefix);
        this.where = where;
    }

    /**
     * Connects to {@code store} (its host, port, password and key prefix; {@code env} resolves the password
     * variable).
     *
     * @throws IllegalStateException naming host:port when Redis cannot be reached
     */
    public static RedisKeyWriter connect(RateLimitPolicy.RedisStore store, Function<String, String> env) {
        RedisURI uri = RedisUris.of(store, env);
        if (uri.getTimeout().compareTo(TIMEOUT) < 0) {
            uri.setTimeout(TIMEOUT);
        }
        RedisClient client = RedisClient.create(uri);
        try {
            return new RedisKeyWriter(client, client.connect(StringCodec.UTF8), store.keyPrefix(),
                    RedisUris.where(store));
        } catch (RuntimeException e) {
            client.shutdown();
            throw new IllegalStateException("Redis at " + RedisUris.where(store) + " cannot be reached ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
    }

    /** Adds a new key and announces it; false (and nothing written) when a key with its id is already there. */
    public boolean create(KeyRecord record) {
        RedisCommands<String, String> c = connection.sync();
        if (!c.hsetnx(hashKey, record.id(), RedisKeyHash.encode(record))) {
            return false;
        }
        c.publish(channel, record.id());
        return true;
    }

    /** Replaces the record with {@code record}'s id (a revocation) and announces it. */
    public void update(KeyRecord record) {
        RedisCommands<String, String> c = connection.sync();
        c.hset(hashKey, record.id(), RedisKeyHash.encode(record));
        c.publish(channel, record.id());
    }

    /** The record of key {@code id}, or null when there is none. */
    public KeyRecord get(String id) {
        String value = connection.sync().hget(hashKey, id);
        return value == null ? null : RedisKeyHash.decode(hashKey, id, value);
    }

    /** Every record, oldest first; IllegalArgumentException naming the field of one that cannot be read. */
    public List<KeyRecord> all() {
        Map<String, String> all = connection.sync().hgetall(hashKey);
        List<KeyRecord> out = new ArrayList<>(all.size());
        all.forEach((field, value) -> out.add(RedisKeyHash.decode(hashKey, field, value)));
        out.sort(Comparator.comparing(KeyRecord::createdAt).thenComparing(KeyRecord::id));
        return out;
    }

    /** Where the keys are, for messages: {@code Redis host:port, hash <prefix>keys}. */
    public String where() {
        return "Redis " + where + ", hash " + hashKey;
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }
}
