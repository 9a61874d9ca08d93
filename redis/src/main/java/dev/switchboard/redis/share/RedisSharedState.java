package dev.switchboard.redis.share;

import dev.switchboard.picker.pool.EndpointLoad;
import dev.switchboard.picker.pool.InferencePool;
import dev.switchboard.picker.pool.InferencePools;
import dev.switchboard.picker.pool.SharedPoolState;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shares pool state between replicas through one Redis pub/sub channel ({@link ShareUri#channel}): each replica
 * publishes what it sent where (prefix blocks) and its requests in flight per endpoint, and applies what the others
 * publish to its own pools, so that N replicas behind a round-robin Service keep one replica's prefix hit rate.
 */
public final class RedisSharedState implements SharedPoolState {
    /*
     * Problem: each replica's picker knows only its own picks; behind a round-robin Service, replica B sends a
     * prompt whose prefix replica A just warmed on endpoint 2 to any endpoint, and A's load on 2 is invisible to B.
     * Approach: every FLUSH_NANOS (5 ms; stretched to IDLE_FLUSH_NANOS, 20 ms, while nothing changes) a replica
     * publishes one message (StateCodec): its whole in-flight snapshot per pool (idle endpoints left out) and the
     * pick records queued since the last flush. Snapshots, not deltas, so a
     * lost message costs nothing the next one does not repair. Nothing changed and nothing queued: no message, but a
     * heartbeat at least every HEARTBEAT_NANOS, so silence means the peer is gone; a peer silent for EXPIRY_NANOS
     * (three beats missed) stops counting (PeerLoads). Received records enter the pools' prefix indexes as if this
     * replica had made the pick (InferencePool.learnBlocks, within the index's own LRU bounds); peers' counts are
     * summed and added to the load the scorers read (InferencePool.remoteLoad).
     * Lag: a record waits at most one flush (5 ms under load, 20 ms after a quiet spell) plus Redis's round trip,
     * then is applied at once on arrival.
     * Memory: the outbox holds at most MAX_QUEUED_HASHES hashes (2 MiB); inbound, at most MAX_INBOUND messages wait;
     * at most MAX_UNANSWERED publishes are outstanding. Beyond each bound, drop and count: never block, never buffer
     * without end (Lettuce's own queue is off while disconnected: REJECT_COMMANDS).
     * Threads: the request path only offers to the outbox (lock-free). Everything else runs on one daemon thread of
     * this object's (ticks, inbound messages, connection changes), so PeerLoads and the connection state need no
     * lock. Lettuce's I/O thread only hands inbound messages over.
     * Redis gone: the first failure is logged once, the gauge reads 0, peers' counts are dropped at once (they can
     * no longer be kept fresh) and records are discarded instead of queued; every replica picks on what it knows.
     * Lettuce reconnects (every 100 ms to 1 s) and resubscribes; a connection that never came up is retried every
     * RETRY_NANOS. Picks never wait for any of it.
     */

    /** How often queued records and changed counts are published while they change. */
    static final long FLUSH_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /**
     * The longest pause between two flushes, reached while nothing changes: the bound on a record's wait before it
     * is sent. An idle replica then wakes 50 times a second instead of 200 (at 5 ms its ticks, heartbeats and
     * Lettuce's threads took 4.4 % of a core, measured; see docs/scaling.md).
     */
    static final long IDLE_FLUSH_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** A replica publishes at least this often, even when idle, so its peers know it is alive. */
    static final long HEARTBEAT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** A peer silent this long (three heartbeats missed, plus a flush of slack) counts for nothing. */
    static final long EXPIRY_NANOS = 3 * HEARTBEAT_NANOS + 2 * FLUSH_NANOS;
    /** Between attempts to connect when the connection never came up (after that, Lettuce reconnects). */
    static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** Largest message published: 256 KiB, about 250 records of 128 blocks; the rest waits for the next flush. */
    static final int MAX_MESSAGE_BYTES = 256 << 10;
    /** Messages published per flush at most; beyond, records wait (and the outbox's bound drops the excess). */
    static final int MAX_MESSAGES_PER_FLUSH = 4;
    /** Hashes the outbox holds at most: 2 MiB. */
    static final long MAX_QUEUED_HASHES = 256 << 10;
    /** Received messages waiting for the sharing thread at most. */
    static final int MAX_INBOUND = 1024;
    /** Publishes sent and not yet answered at most (Redis answers in well under a millisecond when healthy). */
    static final int MAX_UNANSWERED = 64;

    private static final Logger LOG = LoggerFactory.getLogger(RedisSharedState.class);

    private final ShareUri where;
    private final RedisURI uri;
    private final byte[] channel;
    private final long replica;
    private final LongSupplier nanoClock;
    private final LongSupplier wallMillis;
    private final ClientResources resources;
    private final RedisClient client;
    private final ScheduledExecutorService thread;
    private final Outbox outbox = new Outbox(MAX_QUEUED_HASHES);
    private final PeerLoads peers;
    private final AtomicInteger inbound = new AtomicInteger();
    private final AtomicInteger unanswered = new AtomicInteger();
    private final LongAdder published = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder recordsApplied = new LongAdder();
    private final LongAdder discardedRecords = new LongAdder();
    private final LongAdder droppedMessages = new LongAdder();
    private volatile boolean connected;
    private volatile int peerCount;
    private volatile double lagSeconds;
    // the sharing thread only
    private InferencePools pools;
    private StatefulRedisConnection<byte[], byte[]> pub;
    private StatefulRedisPubSubConnection<byte[], byte[]> sub;
    private boolean connecting;
    private boolean downLogged;
    private long nextAttempt;
    private long sequence;
    private long delayNanos = FLUSH_NANOS;
    private long lastSent = Long.MIN_VALUE / 2;
    private List<StateMessage.PoolLoad> lastLoads = List.of();
    private boolean closed;

    /** Shares through {@code uri}; {@code env} gives the password variable ({@link ShareUri#PASSWORD_ENV}). */
    public static RedisSharedState create(ShareUri uri, Function<String, String> env) {
        return new RedisSharedState(uri, env.apply(ShareUri.PASSWORD_ENV), System::nanoTime,
                System::currentTimeMillis, ThreadLocalRandom.current().nextLong());
    }

    RedisSharedState(ShareUri where, String password, LongSupplier nanoClock, LongSupplier wallMillis, long replica) {
        this.where = where;
        this.uri = where.redisUri(password);
        this.channel = where.channel().getBytes(StandardCharsets.UTF_8);
        this.replica = replica;
        this.nanoClock = nanoClock;
        this.wallMillis = wallMillis;
        this.peers = new PeerLoads(replica, EXPIRY_NANOS);
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(1).computationThreadPoolSize(1)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(1), 2,
                        TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources);
        client.setOptions(ClientOptions.builder().autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(ShareUri.CONNECT_TIMEOUT))
                .socketOptions(SocketOptions.builder().connectTimeout(ShareUri.CONNECT_TIMEOUT).build())
                .build());
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "switchboard-share-state");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void start(InferencePools pools) {
        this.pools = pools; // published to the thread by the scheduling below
        thread.execute(this::tick);
    }

    /** This replica's id in its messages. */
    long replica() {
        return replica;
    }

    @Override
    public void blocksSent(String pool, String learner, String endpoint, long[] hashes) {
        if (connected) {
            outbox.offer(new StateMessage.Blocks(pool, learner, endpoint, hashes));
        } else {
            discardedRecords.increment(); // nobody to tell: the peers learn it from the next such request
        }
    }

    @Override
    public Stats stats() {
        return new Stats(connected, peerCount, published.sum(), received.sum(), recordsApplied.sum(),
                outbox.dropped() + discardedRecords.sum(), droppedMessages.sum(), lagSeconds);
    }

    /**
     * One turn of the sharing thread, then the next one scheduled: after FLUSH_NANOS while this replica's counts
     * or queue change, stretched (doubling) up to IDLE_FLUSH_NANOS while nothing does.
     */
    private void tick() {
        boolean sent = false;
        try {
            long now = nanoClock.getAsLong();
            watch(now);
            if (peers.expire(now)) {
                applyPeers();
            }
            if (connected) {
                sent = flush(now);
            }
        } catch (RuntimeException e) { // a bug here must not stop the ticks
            LOG.warn("shared pool state: a tick failed", e);
        }
        delayNanos = sent ? FLUSH_NANOS : Math.min(IDLE_FLUSH_NANOS, 2 * delayNanos);
        try {
            thread.schedule(this::tick, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            // closed
        }
    }

    /** Notices the connection going down or coming back, logs each once, and connects when never connected. */
    private void watch(long now) {
        boolean up = pub != null && sub != null && pub.isOpen() && sub.isOpen();
        if (up != connected) {
            connected = up;
            if (up) {
                downLogged = false;
                LOG.info("shared pool state: Redis at {} reached; replica {} shares prefix blocks and in-flight"
                        + " counts on {}", where, Long.toHexString(replica), where.channel());
            } else {
                down("connection lost");
                peers.clear();
                applyPeers();
                discardedRecords.add(outbox.take(Integer.MAX_VALUE).size());
            }
        }
        if (pub == null && !connecting && now - nextAttempt >= 0) {
            connect(now);
        }
    }

    private void down(String why) {
        if (!downLogged) {
            downLogged = true;
            LOG.warn("shared pool state: Redis at {} cannot be reached ({}); this replica picks on what it knows alone"
                    + " until it returns", where, why);
        }
    }

    private void connect(long now) {
        connecting = true;
        nextAttempt = now + RETRY_NANOS;
        CompletableFuture<StatefulRedisConnection<byte[], byte[]>> p =
                client.connectAsync(ByteArrayCodec.INSTANCE, uri).toCompletableFuture();
        CompletableFuture<StatefulRedisPubSubConnection<byte[], byte[]>> s =
                client.connectPubSubAsync(ByteArrayCodec.INSTANCE, uri).toCompletableFuture().thenCompose(c -> {
                    c.addListener(new Listener());
                    return c.async().subscribe(channel).thenApply(ok -> c);
                });
        p.thenCombine(s, (a, b) -> b).whenComplete((ok, e) -> onThread(() -> {
            connecting = false;
            if (e == null && !closed) {
                pub = p.join();
                sub = s.join();
                return;
            }
            p.thenAccept(StatefulConnection::close);
            s.thenAccept(StatefulConnection::close);
            if (e != null) {
                down(describe(e));
            }
        }));
    }

    /** Publishes queued records and changed counts, or a heartbeat when due; whether it sent anything but that. */
    private boolean flush(long now) {
        List<StateMessage.PoolLoad> loads = localLoads();
        boolean changed = !outbox.isEmpty() || !loads.equals(lastLoads);
        if (!changed && now - lastSent < HEARTBEAT_NANOS) {
            return false;
        }
        int messages = 0;
        do {
            List<StateMessage.Blocks> blocks = outbox.take(MAX_MESSAGE_BYTES);
            publish(StateCodec.encode(new StateMessage(replica, ++sequence, wallMillis.getAsLong(), loads, blocks)));
        } while (!outbox.isEmpty() && ++messages < MAX_MESSAGES_PER_FLUSH);
        lastLoads = loads;
        lastSent = now;
        return changed;
    }

    private List<StateMessage.PoolLoad> localLoads() {
        List<StateMessage.PoolLoad> out = new ArrayList<>();
        for (Map.Entry<String, InferencePool> e : pools.all().entrySet()) {
            List<EndpointLoad> busy = new ArrayList<>();
            for (EndpointLoad l : e.getValue().localLoad()) {
                if (!l.idle()) {
                    busy.add(l);
                }
            }
            out.add(new StateMessage.PoolLoad(e.getKey(), busy));
        }
        return out;
    }

    private void publish(byte[] message) {
        if (unanswered.incrementAndGet() > MAX_UNANSWERED) {
            unanswered.decrementAndGet();
            droppedMessages.increment();
            return;
        }
        pub.async().publish(channel, message).whenComplete((n, e) -> {
            unanswered.decrementAndGet();
            if (e == null) {
                published.increment();
            } else {
                droppedMessages.increment();
            }
        });
    }

    /** A peer's message (or this replica's own, which Redis echoes to its subscription): applied at once. */
    private void receive(byte[] bytes) {
        StateMessage m;
        try {
            m = StateCodec.decode(bytes);
        } catch (IllegalArgumentException e) {
            droppedMessages.increment();
            LOG.debug("shared pool state: an unreadable message on {}: {}", where.channel(), e.getMessage());
            return;
        }
        if (!connected || !peers.accept(m, nanoClock.getAsLong())) {
            return;
        }
        received.increment();
        lagSeconds = Math.max(0, wallMillis.getAsLong() - m.sentAtMillis()) / 1000.0;
        for (StateMessage.Blocks r : m.blocks()) {
            InferencePool pool = pools.get(r.pool());
            if (pool != null) {
                pool.learnBlocks(r.learner(), r.endpoint(), r.hashes());
                recordsApplied.increment();
            }
        }
        applyPeers();
    }

    /** Hands every pool the peers' summed counts (none, for a pool no peer reports). */
    private void applyPeers() {
        peerCount = peers.size();
        if (pools == null) {
            return;
        }
        for (Map.Entry<String, InferencePool> e : pools.all().entrySet()) {
            e.getValue().remoteLoad(peers.sum(e.getKey()));
        }
    }

    private void onThread(Runnable r) {
        try {
            thread.execute(r);
        } catch (RejectedExecutionException closing) {
            // closed: nothing to do any more
        }
    }

    /** The failure for a log line: its type and message, never the URI's password (it has none: see ShareUri). */
    private static String describe(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null && (c instanceof java.util.concurrent.CompletionException
                || c.getMessage() == null)) {
            c = c.getCause();
        }
        return c.getClass().getSimpleName() + ": " + c.getMessage();
    }

    @Override
    public void close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        onThread(() -> {
            closed = true;
            if (pub != null) {
                pub.close();
            }
            if (sub != null) {
                sub.close();
            }
            done.complete(null);
        });
        try {
            done.get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("shared pool state: closing", e);
        }
        thread.shutdownNow();
        client.shutdown(0, 2, TimeUnit.SECONDS);
        resources.shutdown(0, 2, TimeUnit.SECONDS);
        connected = false;
    }

    /** Hands each message over to the sharing thread, or drops it when MAX_INBOUND wait already. */
    private final class Listener extends RedisPubSubAdapter<byte[], byte[]> {
        @Override
        public void message(byte[] from, byte[] message) {
            if (inbound.incrementAndGet() > MAX_INBOUND) {
                inbound.decrementAndGet();
                droppedMessages.increment();
                return;
            }
            onThread(() -> {
                inbound.decrementAndGet();
                receive(message);
            });
        }
    }
}
