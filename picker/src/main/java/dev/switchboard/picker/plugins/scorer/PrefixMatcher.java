package dev.switchboard.picker.plugins.scorer;

import dev.switchboard.picker.pool.Endpoint;
import dev.switchboard.picker.scheduling.AttrKey;
import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.picker.scheduling.PickRequest;
import dev.switchboard.picker.scheduling.UncachedTokens;
import java.util.List;

/**
 * What the prefix-aware scorers share: a {@link PrefixIndex}, the request's block hashes computed once per pick,
 * the per-endpoint match, and recording the pick. With {@code autoTune}, an endpoint's LRU is sized from the cache it
 * reports ({@code num_gpu_blocks × block_size} tokens), so the index forgets about when the server evicts; the index
 * cuts that size down when all endpoints' would not fit in {@code maxIndexBytes}.
 */
final class PrefixMatcher {
    private static final long[] NONE = {};

    private final PrefixIndex index;
    private final int blockTokens;
    private final int defaultCapacity;
    private final boolean autoTune;
    private final AttrKey<long[]> hashesKey;

    PrefixMatcher(String owner, PrefixCacheScorer.Params params) {
        this.index = new PrefixIndex(params.blockSize() * PickRequest.CHARS_PER_TOKEN, params.maxPrefixBlocksToMatch(),
                params.maxIndexBytes());
        this.blockTokens = params.blockSize();
        this.defaultCapacity = params.lruCapacityPerServer();
        this.autoTune = params.autoTune();
        // per instance: two prefix scorers with different block sizes in one profile must not share hashes
        this.hashesKey = AttrKey.of("prefix-hashes/" + owner + "/" + System.identityHashCode(this), long[].class);
    }

    int blockTokens() {
        return blockTokens;
    }

    /** The request's prompt block hashes (computed on first use in a pick). */
    long[] hashes(PickRequest request) {
        long[] h = request.attributes().get(hashesKey);
        if (h == null) {
            h = index.hashes(request.model(), request.prompt());
            request.attributes().put(hashesKey, h);
        }
        return h;
    }

    /**
     * Writes each candidate's matched leading blocks to {@code blocks}, records the tokens each would still have
     * to prefill ({@link UncachedTokens}), and returns the request's block count.
     */
    int match(PickRequest request, List<EndpointState> endpoints, int[] blocks) {
        long[] hashes = hashes(request);
        int[] matched = index.matches(hashes);
        for (int i = 0; i < endpoints.size(); i++) {
            Endpoint e = endpoints.get(i).endpoint();
            blocks[i] = index.matched(matched, e.address());
            UncachedTokens.put(request, e, uncached(request, blocks[i]));
        }
        return hashes.length;
    }

    /** Prompt tokens left to prefill when {@code matchedBlocks} leading blocks are cached. */
    long uncached(PickRequest request, int matchedBlocks) {
        return Math.max(0, request.promptTokens() - (long) matchedBlocks * blockTokens);
    }

    void record(PickRequest request, EndpointState picked) {
        long[] hashes = hashes(request);
        if (hashes.length > 0) {
            index.record(picked.endpoint().address(), hashes, capacity(picked));
        }
    }

    /** The hashes the pick of {@code request} recorded (empty before a pick, or for an empty prompt). */
    long[] recorded(PickRequest request) {
        long[] h = request.attributes().get(hashesKey);
        return h == null ? NONE : h;
    }

    /** Records that {@code at} holds {@code hashes} because another replica sent them there. */
    void learn(EndpointState at, long[] hashes) {
        if (hashes.length > 0) {
            index.record(at.endpoint().address(), hashes, capacity(at));
        }
    }

    void remove(Endpoint endpoint) {
        index.remove(endpoint.address());
    }

    private int capacity(EndpointState e) {
        long tokens = autoTune ? e.kvCapacityTokens() : -1;
        return tokens > 0 ? (int) Math.min(Integer.MAX_VALUE, tokens / blockTokens) : defaultCapacity;
    }
}
