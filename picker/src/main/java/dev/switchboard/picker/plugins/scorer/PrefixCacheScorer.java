package dev.switchboard.picker.plugins.scorer;

import dev.switchboard.picker.scheduling.AttrKey;
import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.picker.scheduling.PickObserver;
import dev.switchboard.picker.scheduling.PickRequest;
import dev.switchboard.picker.scheduling.Scorer;
import dev.switchboard.picker.scheduling.TypedName;
import java.util.List;
import java.util.Map;

/**
 * Type {@value #TYPE}: favours endpoints that probably hold the prompt's prefix in their KV cache (the approximate
 * prefix cache, see {@link PrefixIndex}). Score = leading prompt blocks the endpoint holds / prompt blocks; 0 for an
 * empty prompt. After each pick the chosen endpoint is recorded as holding the prompt.
 *
 * <p>Parameters (the reference EPP's names and defaults): {@code blockSize} 16 tokens per block (hashed as 4
 * characters a token), {@code maxPrefixBlocksToMatch} 256, {@code lruCapacityPerServer} 31,250 blocks.
 */
public final class PrefixCacheScorer implements Scorer, PickObserver {
    public static final String TYPE = "prefix-cache-scorer";
    /** Characters per token when cutting prompts into blocks (the reference EPP's estimate). */
    static final int CHARS_PER_TOKEN = 4;
    static final AttrKey<long[]> HASHES = AttrKey.of("prefix-hashes", long[].class);

    /**
     * @param blockSize              tokens per block
     * @param maxPrefixBlocksToMatch most blocks of a prompt considered
     * @param lruCapacityPerServer   blocks remembered per endpoint
     */
    public record Params(int blockSize, int maxPrefixBlocksToMatch, int lruCapacityPerServer) {
        public static final Params DEFAULTS = new Params(16, 256, 31_250);

        public Params {
            if (blockSize < 1 || maxPrefixBlocksToMatch < 1 || lruCapacityPerServer < 1) {
                throw new IllegalArgumentException("blockSize, maxPrefixBlocksToMatch and lruCapacityPerServer must be >= 1");
            }
        }
    }

    private final TypedName name;
    private final PrefixIndex index;

    public PrefixCacheScorer(String name, Params params) {
        this.name = new TypedName(TYPE, name);
        this.index = new PrefixIndex(params.blockSize() * CHARS_PER_TOKEN, params.maxPrefixBlocksToMatch(),
                params.lruCapacityPerServer());
    }

    @Override
    public TypedName typedName() {
        return name;
    }

    @Override
    public void score(PickRequest request, List<EndpointState> endpoints, double[] scores) {
        long[] hashes = hashes(request);
        if (hashes.length == 0) {
            java.util.Arrays.fill(scores, 0, endpoints.size(), 0);
            return;
        }
        Map<String, Integer> matched = index.matches(hashes);
        for (int i = 0; i < endpoints.size(); i++) {
            scores[i] = matched.getOrDefault(endpoints.get(i).endpoint().address(), 0) / (double) hashes.length;
        }
    }

    @Override
    public void onPicked(PickRequest request, EndpointState picked) {
        long[] hashes = hashes(request);
        if (hashes.length > 0) {
            index.record(picked.endpoint().address(), hashes);
        }
    }

    /** Forgets an endpoint that left the pool. */
    public void endpointRemoved(String address) {
        index.remove(address);
    }

    private long[] hashes(PickRequest request) {
        long[] h = request.attributes().get(HASHES);
        if (h == null) {
            h = index.hashes(request.model(), request.prompt());
            request.attributes().put(HASHES, h);
        }
        return h;
    }
}
