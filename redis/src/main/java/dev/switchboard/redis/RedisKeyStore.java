package dev.switchboard.redis;

import dev.switchboard.policy.auth.AuthConfig;
import dev.switchboard.policy.auth.KeyIndex;
import dev.switchboard.policy.auth.KeyRecord;
import dev.switchboard.policy.auth.VirtualKey;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Virtual keys kept in Redis, shared by every replica that points at it: the source that feeds a gateway's
 * {@link KeyIndex} when {@code ClientAuth}'s {@code virtualKeys} names {@code redis}. Requests only read the index;
 * nothing here runs on a request's path. {@code switchboard keys ... --redis} writes ({@link RedisKeyWriter}).
 */
public final class RedisKeyStore implements AutoCloseable {
    /*
     * Problem: replicas must see a created or revoked key within about a second, with no Redis call per request.
     *
     * Approach: the whole hash (<prefix>keys) is read once at start, blocking: a Redis that cannot be reached then is
     * a configuration error. After that, a writer publishes the id it changed on <prefix>keys:changed and each
     * replica re-reads that one field (HGET) and swaps it into the index. Pub/sub is at-most-once (a message sent
     * while a replica is disconnected, or dropped, never arrives), so the whole hash is read again every `refresh`
     * (HGETALL), and at once after each reconnection.
     *
     * Concurrency: every Redis read and every index write runs on one thread ("switchboard-keys"), in the order
     * they were asked for; Redis answers one connection's commands in order, so a full read and a one-key read are
     * applied in the order Redis saw them. Lettuce's threads only hand messages and connection events over.
     *
     * Redis down: the index keeps the keys it holds (so a key revoked during an outage keeps working until Redis
     * returns, and one created then is not known yet); logged once, WARN; the reconnect backs off to RECONNECT_MAX.
     *
     * Records that cannot be read (hand-edited, another version's) are not in force, and are logged by field,
     * never by value.
     */

    /** The longest pause between two reconnection attempts while Redis is down. */
    static final Duration RECONNECT_MAX = Duration.ofSeconds(2);

    /** The least time a read of the keys may take: a full read of thousands of records is more than a limit check. */
    static final Duration MIN_READ_TIMEOUT = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(RedisKeyStore.class);

    private final KeyIndex index;
    private final String hashKey;
    private final String channel;
    private final String where;
    private final ClientResources resources;
    private final RedisClient client;
    private final ScheduledExecutorService sync;
    private final AtomicBoolean down = new AtomicBoolean();
    private volatile boolean started;
    private StatefulRedisConnection<String, String> commands;
    private StatefulRedisPubSubConnection<String, String> changes;

    /**
     * Connects to {@code config}'s Redis, reads every key into {@code index} and keeps it current until closed
     * (blocking, once: call it at startup, off any event loop). {@code env} resolves the password variable.
     *
     * @throws IllegalStateException naming host:port when Redis cannot be reached or read now
     */
    public static RedisKeyStore open(AuthConfig.RedisKeys config, KeyIndex index, Function<String, String> env) {
        RedisKeyStore store = new RedisKeyStore(config, RedisUris.of(config.connection(), env), index);
        try {
            store.start(config.refresh());
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw new IllegalStateException("the virtual keys in Redis at " + store.where + " cannot be read ("
                    + describe(e) + ")", e);
        }
    }

    private RedisKeyStore(AuthConfig.RedisKeys config, RedisURI uri, KeyIndex index) {
        this.index = index;
        this.hashKey = config.hashKey();
        this.channel = config.channel();
        this.where = RedisUris.where(config.connection());
        Duration timeout = config.connection().commandTimeout().compareTo(MIN_READ_TIMEOUT) < 0 ? MIN_READ_TIMEOUT
                : config.connection().commandTimeout();
        uri.setTimeout(timeout);
        this.resources = DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(100), RECONNECT_MAX, 2, TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // a read while disconnected fails at once; the index keeps what it holds, the next refresh retries
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
                .build());
        this.sync = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "switchboard-keys");
            t.setDaemon(true);
            return t;
        });
    }

    private void start(Duration refresh) {
        commands = client.connect(StringCodec.UTF8);
        changes = client.connectPubSub(StringCodec.UTF8);
        changes.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String from, String id) {
                if (channel.equals(from)) {
                    submit(() -> reload(id));
                }
            }
        });
        // subscribed before the first read, so no change falls between the two
        changes.sync().subscribe(channel);
        index.replaceAll(readAll());
        log.info("virtual keys in Redis at {} ({}): {} keys", where, hashKey, index.size());
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                if (started) { // a reconnection: what was published meanwhile was lost
                    submit(RedisKeyStore.this::refresh);
                }
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                markDown("connection lost");
            }
        });
        started = true;
        sync.scheduleWithFixedDelay(this::refresh, refresh.toMillis(), refresh.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Reads the whole hash again (the backstop for lost messages, and the resync after an outage). */
    void refresh() {
        try {
            index.replaceAll(readAll());
            if (down.compareAndSet(true, false)) {
                log.info("Redis at {} is back: {} virtual keys read again", where, index.size());
            }
        } catch (RuntimeException e) {
            markDown(describe(e));
        }
    }

    private void reload(String id) {
        if (!VirtualKey.isId(id)) {
            log.debug("a change message on {} that is not a key id ({} characters)", channel, id.length());
            return;
        }
        try {
            String value = commands.sync().hget(hashKey, id);
            if (value == null) {
                index.remove(id);
                return;
            }
            try {
                index.put(RedisKeyHash.decode(hashKey, id, value));
            } catch (IllegalArgumentException e) {
                index.remove(id);
                log.error("virtual key record {} cannot be used ({}); that key is refused", id, e.getMessage());
            }
        } catch (RuntimeException e) {
            markDown(describe(e)); // the refresh after the reconnection reads it
        }
    }

    private List<KeyRecord> readAll() {
        Map<String, String> all = commands.sync().hgetall(hashKey);
        List<KeyRecord> out = new ArrayList<>(all.size());
        for (Map.Entry<String, String> e : all.entrySet()) {
            try {
                out.add(RedisKeyHash.decode(hashKey, e.getKey(), e.getValue()));
            } catch (IllegalArgumentException bad) {
                log.error("a virtual key record cannot be used ({}); that key is refused", bad.getMessage());
            }
        }
        return out;
    }

    private void markDown(String why) {
        if (down.compareAndSet(false, true)) {
            log.warn("Redis at {} cannot be reached ({}); keeping the {} virtual keys held until it returns", where,
                    why, index.size());
        }
    }

    private void submit(Runnable task) {
        try {
            sync.execute(task);
        } catch (RejectedExecutionException closed) {
            // closing: nothing left to keep current
        }
    }

    private static String describe(Throwable e) {
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** Stops reading Redis; the index keeps the keys it holds. */
    @Override
    public void close() {
        started = false;
        sync.shutdownNow();
        if (changes != null) {
            changes.close();
        }
        if (commands != null) {
            commands.close();
        }
        client.shutdown(0, 2, TimeUnit.SECONDS);
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }

    @Override
    public String toString() {
        return "RedisKeyStore[" + where + ", " + hashKey + ", " + index.size() + " keys]";
    }
}
