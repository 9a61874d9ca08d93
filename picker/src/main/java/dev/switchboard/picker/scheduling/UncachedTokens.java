package dev.switchboard.picker.scheduling;

import dev.switchboard.picker.pool.Endpoint;
import java.util.HashMap;
import java.util.Map;

/**
 * Per endpoint, how many of a request's prompt tokens it would have to prefill, the rest being in its prefix cache,
 * as a prefix-aware plugin estimated them during the pick. The pool's local load accounting reads it when the
 * request is sent, so the next picks see that endpoint's prefill backlog before any scrape does.
 */
public final class UncachedTokens {
    public static final AttrKey<UncachedTokens> KEY = AttrKey.of("uncached-tokens", UncachedTokens.class);

    /** Sized for a large pool at once: a plugin puts an estimate for every candidate, so growing would rehash. */
    private final Map<Endpoint, Long> byEndpoint = HashMap.newHashMap(128);

    /** Records the estimate for {@code endpoint} on {@code request}. */
    public static void put(PickRequest request, Endpoint endpoint, long tokens) {
        UncachedTokens u = request.attributes().get(KEY);
        if (u == null) {
            u = new UncachedTokens();
            request.attributes().put(KEY, u);
        }
        u.byEndpoint.put(endpoint, tokens);
    }

    /** The estimate for {@code endpoint}, or the whole prompt when no plugin made one. */
    public static long of(PickRequest request, Endpoint endpoint) {
        UncachedTokens u = request.attributes().get(KEY);
        Long t = u == null ? null : u.byEndpoint.get(endpoint);
        return t != null ? t : request.promptTokens();
    }
}
