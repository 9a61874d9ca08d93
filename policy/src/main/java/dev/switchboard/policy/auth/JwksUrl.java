package dev.switchboard.policy.auth;

import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keys from a JWKS URL, fetched on a thread this class owns: at start, every {@code refresh}, and when a token names
 * a key id not held (an issuer that rotated its keys), at most once per {@link #UNKNOWN_KID_INTERVAL} so a stream of
 * made-up ids cannot turn the gateway into a load generator against the issuer. Requests never wait for a fetch:
 * until the first one succeeds, tokens are refused with "keys not loaded yet" (401; each such token counts as an
 * unknown key id, so a URL that was down at start is retried within a minute of traffic); a failed refresh keeps
 * the keys held.
 */
final class JwksUrl implements JwksSource {
    private static final Logger LOG = LoggerFactory.getLogger(JwksUrl.class);
    /** Least time between two fetches caused by unknown key ids. */
    static final Duration UNKNOWN_KID_INTERVAL = Duration.ofMinutes(1);
    /** A JWKS document is a few kilobytes; more is not one. */
    static final int MAX_BYTES = 1 << 20;
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI url;
    private final Clock clock;
    private final HttpClient http;
    private final ScheduledExecutorService thread;
    private volatile Jwks current;
    private Instant lastUnknownKidFetch; // guarded by this

    JwksUrl(URI url, Duration refresh, Clock clock) {
        this.url = url;
        this.clock = clock;
        this.current = Jwks.notYet("the signing keys from " + url + " are not loaded yet");
        this.thread = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("jwks-" + url.getHost()).daemon().factory());
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        thread.scheduleWithFixedDelay(this::fetch, 0, refresh.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public Jwks current() {
        return current;
    }

    @Override
    public void unknownKeyId() {
        Instant now = clock.instant();
        synchronized (this) {
            if (lastUnknownKidFetch != null && now.isBefore(lastUnknownKidFetch.plus(UNKNOWN_KID_INTERVAL))) {
                return;
            }
            lastUnknownKidFetch = now;
        }
        try {
            thread.execute(this::fetch);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed: a request that raced the shutdown gets the refusal it already has
        }
    }

    /** One fetch, on the owned thread; never throws (the schedule would stop). */
    private void fetch() {
        try {
            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(url).timeout(TIMEOUT)
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            byte[] body;
            try (InputStream in = r.body()) {
                body = in.readNBytes(MAX_BYTES + 1);
            }
            if (r.statusCode() != 200) {
                failed("HTTP " + r.statusCode());
                return;
            }
            if (body.length > MAX_BYTES) {
                failed("the answer is larger than " + MAX_BYTES + " bytes");
                return;
            }
            JWKSet keys = JwksFile.parse(body);
            Jwks before = current;
            current = new Jwks(keys, null);
            if (before.keys() == null || !before.keys().toString().equals(keys.toString())) {
                LOG.info("JWKS {}: {} keys loaded", url, keys.size());
            }
        } catch (IOException | IllegalArgumentException e) {
            failed(e.getClass().getSimpleName() + (e.getMessage() == null || e instanceof IOException ? "" : ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("JWKS {}: fetching failed; keeping the keys held", url, e);
        }
    }

    private void failed(String why) {
        Jwks before = current;
        if (before.keys() == null) {
            current = Jwks.notYet("the signing keys from " + url + " are not loaded yet (last attempt: " + why + ")");
        } else {
            current = new Jwks(before.keys(), "the last refresh failed (" + why + ")");
        }
        LOG.warn("JWKS {}: fetching failed ({}); {}", url, why,
                before.keys() == null ? "no keys yet, tokens are refused until a fetch succeeds" : "keeping the keys held");
    }

    @Override
    public void close() {
        thread.shutdownNow();
        http.close();
    }
}
