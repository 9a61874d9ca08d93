package dev.switchboard.picker.plugins.scorer;

import dev.switchboard.picker.kvevents.KvBlockIndex;
import dev.switchboard.picker.kvevents.KvEventSubscriber;
import dev.switchboard.picker.kvevents.KvEventsConfig;
import dev.switchboard.picker.kvevents.SimulatorPromptTokens;
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
 *
 * <p>With {@code kvEvents}, an endpoint that publishes KV-cache events is matched on what it says it holds
 * ({@link KvBlockIndex}, the prompt tokenized as the simulator does): an evicted prefix stops counting, a prefix
 * cached by another sender counts. The approximate index still learns every pick, for the endpoints that publish
 * nothing. Both count blocks of {@code blockSize} tokens, so one request's matches compare across the two.
 */
final class PrefixMatcher {
    private static final long[] NONE = {};

    private final PrefixIndex index;
    private final int blockTokens;
    private final int defaultCapacity;
    private final boolean autoTune;
    private final AttrKey<long[]> hashesKey;
    /** What publishing servers hold, or null without KV events. */
    private final KvBlockIndex precise;
    private final int maxBlocks;
    private final AttrKey<long[]> chainKey;

    PrefixMatcher(String owner, PrefixCacheScorer.Params params) {
        this.index = new PrefixIndex(params.blockSize() * PickRequest.CHARS_PER_TOKEN, params.maxPrefixBlocksToMatch(),
                params.maxIndexBytes());
        this.blockTokens = params.blockSize();
        this.defaultCapacity = params.lruCapacityPerServer();
        this.autoTune = params.autoTune();
        // per instance: two prefix scorers with different block sizes in one profile must not share hashes
        this.hashesKey = AttrKey.of("prefix-hashes/" + owner + "/" + System.identityHashCode(this), long[].class);
        this.maxBlocks = params.maxPrefixBlocksToMatch();
        KvEventsConfig events = params.kvEvents();
        this.precise = events == null ? null
                : KvEventSubscriber.shared(events.zmqEndpoint(), events.topicFilter(), blockTokens).index();
        // per index and length, not per plugin: the affinity filter and the scorer of one profile tokenize once
        this.chainKey = precise == null ? null : AttrKey.of("prefix-chain/" + System.identityHashCode(precise) + "/"
                + maxBlocks, long[].class);
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
        long[] chain = null;
        for (int i = 0; i < endpoints.size(); i++) {
            Endpoint e = endpoints.get(i).endpoint();
            String server = precise == null ? null : publisher(e);
            if (server == null) {
                blocks[i] = index.matched(matched, e.address());
            } else {
                if (chain == null) {
                    chain = chain(request);
                }
                blocks[i] = Math.min(hashes.length, precise.matched(server, chain));
            }
            UncachedTokens.put(request, e, uncached(request, blocks[i]));
        }
        return hashes.length;
    }

    /** The name {@code e} publishes KV events under ({@code host:port}, or its IP alone), or null for none. */
    private String publisher(Endpoint e) {
        String address = e.address();
        if (precise.knows(address)) {
            return address;
        }
        return precise.knows(e.host()) ? e.host() : null;
    }

    /** The prompt's full blocks in the servers' tokens (computed on first use in a pick). */
    private long[] chain(PickRequest request) {
        long[] c = request.attributes().get(chainKey);
        if (c == null) {
            c = precise.chain(SimulatorPromptTokens.ids(request.prompt()), maxBlocks);
            request.attributes().put(chainKey, c);
        }
        return c;
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
