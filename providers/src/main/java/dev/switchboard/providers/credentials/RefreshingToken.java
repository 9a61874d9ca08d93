package dev.switchboard.providers.credentials;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A credential fetched from a token endpoint (GCP OAuth, Entra ID, STS) and kept fresh in the background, so that
 * {@link #current()} is a volatile read.
 */
final class RefreshingToken<T> implements CredentialSource<T> {
    /*
     * Approach: the first fetch runs on the scheduler at once; each success schedules the next fetch PRE_EXPIRY before
     * the token expires (or at half its lifetime, for tokens that live less than twice that), each failure schedules
     * a retry with exponential backoff from MIN_RETRY to MAX_RETRY. A failure keeps the old token: it is used until
     * its own expiry, after which current() reports the last error instead.
     * Concurrency: fetches run one at a time, because each one schedules the next; token and lastError are volatile
     * and written only by the fetch. The fetch may block (it does HTTP): it runs on the scheduler's thread, never on
     * the caller's.
     * Time: expiry checks and delays read the injected clock, and the scheduler runs the delays, so a test with a
     * fake clock and scheduler controls both.
     */

    /** How long before expiry a token is replaced: Envoy AI Gateway's rotators use the same 5 minutes. */
    static final Duration PRE_EXPIRY = Duration.ofMinutes(5);
    /** The first retry after a failed fetch. */
    static final Duration MIN_RETRY = Duration.ofSeconds(1);
    /** The longest wait between retries: a fixed endpoint is noticed within a minute. */
    static final Duration MAX_RETRY = Duration.ofMinutes(1);

    /** Fetches one credential; may block; its exceptions' messages must hold no secret. */
    @FunctionalInterface
    interface Fetcher<T> {
        Expiring<T> fetch() throws Exception;
    }

    private static final Logger LOG = LoggerFactory.getLogger(RefreshingToken.class);

    private final String what;
    private final Fetcher<T> fetcher;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final CompletableFuture<Void> first = new CompletableFuture<>();
    private volatile Expiring<T> token;
    private volatile String lastError;
    private volatile boolean closed;
    private volatile ScheduledFuture<?> next;
    private Duration retry = MIN_RETRY;

    /** @param what names the credential in messages, e.g. {@code GCP access token for sa@p.iam.gserviceaccount.com} */
    RefreshingToken(String what, Fetcher<T> fetcher, Clock clock, ScheduledExecutorService scheduler) {
        this.what = what;
        this.fetcher = fetcher;
        this.clock = clock;
        this.scheduler = scheduler;
    }

    /** Starts the first fetch on the scheduler; returns this. */
    RefreshingToken<T> start() {
        next = scheduler.schedule(this::refresh, 0, TimeUnit.MILLISECONDS);
        return this;
    }

    @Override
    public T current() throws CredentialsNotReadyException {
        Expiring<T> t = token;
        if (t != null && clock.instant().isBefore(t.expiresAt())) {
            return t.value();
        }
        String error = lastError;
        if (t == null) {
            throw new CredentialsNotReadyException(what + " has not been fetched yet"
                    + (error == null ? "" : ": " + error));
        }
        throw new CredentialsNotReadyException(what + " expired at " + t.expiresAt()
                + (error == null ? "" : " and refreshing it failed: " + error));
    }

    @Override
    public boolean ready() {
        Expiring<T> t = token;
        return t != null && clock.instant().isBefore(t.expiresAt());
    }

    @Override
    public CompletionStage<Void> firstToken() {
        return first.minimalCompletionStage();
    }

    /** The last fetch's error, or null if it succeeded. */
    String lastError() {
        return lastError;
    }

    void refresh() {
        if (closed) {
            return;
        }
        Expiring<T> fetched;
        try {
            fetched = fetcher.fetch();
        } catch (Exception e) {
            String error = describe(e);
            lastError = error;
            LOG.warn("fetching the {} failed, retrying in {} s: {}", what, retry.toSeconds(), error);
            schedule(retry);
            retry = retry.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : retry.multipliedBy(2);
            return;
        }
        boolean wasFirst = token == null;
        token = fetched;
        lastError = null;
        retry = MIN_RETRY;
        Duration wait = untilRefresh(clock.instant(), fetched.expiresAt());
        if (wasFirst) {
            LOG.info("fetched the {}, valid until {}", what, fetched.expiresAt());
        } else {
            LOG.debug("refreshed the {}, valid until {}", what, fetched.expiresAt());
        }
        schedule(wait);
        first.complete(null);
    }

    /** When to fetch again after a token expiring at {@code expiresAt} was fetched at {@code now}. */
    static Duration untilRefresh(Instant now, Instant expiresAt) {
        Duration lifetime = Duration.between(now, expiresAt);
        Duration wait = lifetime.compareTo(PRE_EXPIRY.multipliedBy(2)) >= 0
                ? lifetime.minus(PRE_EXPIRY) : lifetime.dividedBy(2);
        return wait.compareTo(MIN_RETRY) < 0 ? MIN_RETRY : wait;
    }

    private void schedule(Duration wait) {
        if (!closed) {
            next = scheduler.schedule(this::refresh, wait.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private static String describe(Exception e) {
        if (e instanceof TokenFetchException) {
            return e.getMessage();
        }
        // an I/O failure (refused, reset, timed out): its class says what happened, its message where
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    @Override
    public void close() {
        closed = true;
        ScheduledFuture<?> n = next;
        if (n != null) {
            n.cancel(false);
        }
    }

    @Override
    public String toString() {
        return "RefreshingToken[" + what + "]";
    }
}
