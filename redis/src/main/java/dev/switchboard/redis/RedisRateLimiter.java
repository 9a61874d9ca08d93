package dev.switchboard.redis;

import dev.switchboard.policy.limits.GrantedTicket;
import dev.switchboard.policy.limits.Limit;
import dev.switchboard.policy.limits.LimitPlan;
import dev.switchboard.policy.limits.LimitResolver;
import dev.switchboard.policy.limits.LocalRateLimiter;
import dev.switchboard.policy.limits.RateLimitPolicy;
import dev.switchboard.policy.limits.RateLimiter;
import dev.switchboard.policy.limits.Reservation;
import dev.switchboard.policy.limits.ReservationRequest;
import dev.switchboard.policy.limits.Reservations;
import dev.switchboard.policy.limits.SpendLedger;
import dev.switchboard.policy.limits.GrantedTicket;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Limits shared by every gateway replica that points at one Redis: each reservation and each settlement is one Lua
 * script ({@code reserve.lua}, {@code adjust.lua}) that checks and charges all of a request's limits atomically.
 */
public final class RedisRateLimiter implements RateLimiter {
    /*
     * Exactness: the script decides with every limit's state in hand and charges the clamped reservation before it
     * returns, so concurrent replicas are serialized by Redis: a shared budget is overspent only by what settlements
     * add beyond reservations (real usage above the estimate; output never exceeds the grant). The arithmetic is
     * policy's LimitMath mirrored in Lua, in Redis's clock (TIME), so replicas' clocks do not matter. Lua numbers
     * are doubles: integers are exact below 2^53, i.e. token-millisecond levels up to 150 M tokens per minute and
     * budget rooms up to $9,000 per window; beyond, the clamp may be off by a token or a micro-dollar.
     *
     * Threads: the returned stages complete on Lettuce's I/O thread (a local decision completes at once, on the
     * caller's). The gateway hops back to its own event loop; nothing here blocks.
     *
     * Redis down (refused, reset, a command past its timeout): the request is decided at once by a local limiter
     * and the state goes to LOCAL_FALLBACK, logged once per outage. Local decisions charge a SpendLedger too. At
     * most once per PROBE_INTERVAL a request triggers a PING; when it answers, the ledger is handed over with one
     * adjust.lua call (rates: what is still inside their minute; budgets: the current window's spend) and the state
     * returns to SHARED. Overspend bound during an outage: each replica enforces the full limits on its own, so a
     * limit can be spent up to (replicas x limit) until Redis returns; after, the hand-over makes the shared state
     * whole again (a budget can end up over, never silently under).
     *
     * Keys: prefix + the limit's key (p/<principal>/tokens, m/<model>/budget, ...), hashes {v, a} with a PEXPIRE
     * of their remaining life plus a minute, so idle keys leave Redis by themselves. Keys span hash slots: Redis
     * Cluster is not supported (one primary, with replicas for failover, is).
     */

    /** How often, at most, a request during an outage checks whether Redis is back. */
    static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);

    /** The longest pause between two reconnection attempts while Redis is down. */
    static final Duration RECONNECT_MAX = Duration.ofSeconds(2);

    private static final Logger log = LoggerFactory.getLogger(RedisRateLimiter.class);

    /** Where the limits are kept now, for a gauge ({@link #gaugeValue}: 1 shared, 0 local). */
    public enum State {
        SHARED(1), LOCAL_FALLBACK(0);

        public final int gaugeValue;

        State(int gaugeValue) {
            this.gaugeValue = gaugeValue;
        }
    }

    private final LimitResolver resolver;
    private final InstantSource clock;
    private final ClientResources resources;
    private final RedisClient client;
    private final RedisURI uri;
    private final LimitScripts scripts;
    private final String where;
    private final SpendLedger ledger = new SpendLedger();
    private final LocalRateLimiter local;
    private final AtomicReference<State> state = new AtomicReference<>(State.SHARED);
    private final AtomicBoolean handingOver = new AtomicBoolean();
    private volatile StatefulRedisConnection<String, String> connection;
    private volatile long lastProbe;

    /**
     * Connects to {@code store} (blocking, once: call it at startup, off any event loop); when Redis cannot be
     * reached it starts on local limits and keeps probing. {@code env} resolves the password variable.
     */
    public static RedisRateLimiter create(LimitResolver resolver, RateLimitPolicy.RedisStore store,
            Function<String, String> env, InstantSource clock) {
        return new RedisRateLimiter(resolver, RedisUris.of(store, env), store.commandTimeout(), store.keyPrefix(), clock);
    }

    private RedisRateLimiter(LimitResolver resolver, RedisURI uri, Duration timeout, String prefix,
            InstantSource clock) {
        this.resolver = resolver;
        this.clock = clock;
        this.uri = uri;
        this.scripts = new LimitScripts(prefix);
        this.where = uri.getHost() + ":" + uri.getPort();
        this.local = new LocalRateLimiter(resolver, clock, ledger);
        // reconnect soon after Redis returns (Lettuce's default backs off to 30 s); probes ride on this connection
        this.resources = DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(100), RECONNECT_MAX, 2, TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // fail at once while disconnected, instead of queueing requests behind a dead connection
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
                .build());
        try {
            connection = client.connect(StringCodec.UTF8, uri);
        } catch (RuntimeException e) {
            markDown(e);
        }
    }

    /** Where the limits are decided now. */
    public State state() {
        return state.get();
    }

    @Override
    public Store store() {
        return state.get() == State.SHARED ? Store.SHARED : Store.LOCAL_FALLBACK;
    }

    @Override
    public CompletionStage<Reservation> reserve(ReservationRequest request) {
        LimitPlan plan = resolver.plan(request);
        StatefulRedisConnection<String, String> c = connection;
        if (plan.refusal() != null || plan.limits().isEmpty() || c == null || state.get() != State.SHARED) {
            probeIfDue();
            return local.reserve(request);
        }
        if (!ledger.isEmpty()) {
            handOver(c);   // local settlements that came in after the last hand-over
        }
        return scripts.reserve(c.async(), plan).handle((reply, e) -> {
            if (e != null) {
                markDown(e);
                return local.reserveNow(request);
            }
            if (reply.outcome().granted() < 0) {
                return Reservations.refused(plan, reply.outcome());
            }
            long granted = reply.outcome().granted();
            long deadline = clock.millis() + resolver.policy().ticketLifetime().toMillis();
            return Reservations.granted(plan, reply.outcome(), new RedisTicket(plan, granted,
                    Reservations.reserved(plan, granted), reply.redisNow(), deadline));
        });
    }

    private void markDown(Throwable e) {
        lastProbe = clock.millis();
        if (state.compareAndSet(State.SHARED, State.LOCAL_FALLBACK)) {
            log.warn("Redis at {} cannot be reached ({}); limits are decided on this replica's local counts until it"
                    + " returns", where, describe(e));
        }
    }

    private void probeIfDue() {
        long now = clock.millis();
        if (state.get() == State.SHARED || now - lastProbe < PROBE_INTERVAL.toMillis()
                || !handingOver.compareAndSet(false, true)) {
            return;
        }
        lastProbe = now;
        StatefulRedisConnection<String, String> existing = connection;
        CompletionStage<StatefulRedisConnection<String, String>> connected = existing != null
                ? CompletableFuture.completedFuture(existing)
                : client.connectAsync(StringCodec.UTF8, uri).thenApply(c -> connection = c);
        connected.thenCompose(c -> c.async().ping().thenCompose(pong -> pushLedger(c))).whenComplete((count, e) -> {
            handingOver.set(false);
            if (e == null && state.compareAndSet(State.LOCAL_FALLBACK, State.SHARED)) {
                log.info("Redis at {} is back: handed over {} local charges; limits are shared again", where, count);
            }
        });
    }

    private void handOver(StatefulRedisConnection<String, String> c) {
        if (handingOver.compareAndSet(false, true)) {
            pushLedger(c).whenComplete((count, e) -> handingOver.set(false));
        }
    }

    /** Sends what the ledger holds in one adjust.lua call; puts it back if that fails. */
    private CompletionStage<Integer> pushLedger(StatefulRedisConnection<String, String> c) {
        List<SpendLedger.Spend> spends = ledger.drain(clock.millis());
        if (spends.isEmpty()) {
            return CompletableFuture.completedFuture(0);
        }
        List<Limit> limits = new ArrayList<>();
        long[] scaled = new long[spends.size()];
        long[] windows = new long[spends.size()];
        for (int i = 0; i < spends.size(); i++) {
            SpendLedger.Spend sp = spends.get(i);
            limits.add(sp.limit());
            scaled[i] = sp.scaled();
            windows[i] = sp.window();
        }
        return scripts.adjust(c.async(), limits, scaled, windows).handle((r, e) -> {
            if (e != null) {
                ledger.restore(spends);
                throw new IllegalStateException("hand-over failed", e);
            }
            return spends.size();
        });
    }

    /** The failure for a log line: its type and message, never the URI (which may hold the password). */
    private static String describe(Throwable e) {
        Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        return c.getClass().getSimpleName() + ": " + c.getMessage();
    }

    @Override
    public void close() {
        StatefulRedisConnection<String, String> c = connection;
        if (c != null) {
            c.close();
        }
        client.shutdown();
        resources.shutdown();
    }

    private final class RedisTicket extends GrantedTicket {
        private final long redisNow;

        RedisTicket(LimitPlan plan, long granted, long[] reserved, long redisNow, long deadline) {
            super(plan, granted, reserved, deadline, clock);
            this.redisNow = redisNow;
        }

        @Override
        protected CompletionStage<Void> apply(long[] deltas) {
            List<Limit> limits = plan.limits();
            long[] scaled = new long[limits.size()];
            long[] windows = new long[limits.size()];
            for (int i = 0; i < limits.size(); i++) {
                scaled[i] = Reservations.scaled(limits.get(i), deltas[i]);
                windows[i] = Math.floorDiv(redisNow, limits.get(i).periodMillis());
            }
            StatefulRedisConnection<String, String> c = connection;
            CompletionStage<Long> sent = c == null || state.get() != State.SHARED
                    ? CompletableFuture.failedFuture(new IllegalStateException("Redis is down"))
                    : scripts.adjust(c.async(), limits, scaled, windows);
            return sent.handle((r, e) -> {
                if (e != null) {
                    markDown(e);
                    long now = clock.millis();
                    for (int i = 0; i < limits.size(); i++) {
                        Limit l = limits.get(i);
                        ledger.charged(l, l.kind() == Limit.Kind.BUDGET ? windows[i] : now, deltas[i]);
                    }
                }
                return null;
            });
        }

        @Override
        public long reservedMicros() {
            return plan.price() == null ? 0 : plan.price().costMicros(plan.promptTokens(), granted, 0);
        }
    }
}
