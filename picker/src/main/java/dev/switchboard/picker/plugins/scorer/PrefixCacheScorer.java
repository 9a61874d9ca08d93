package dev.switchboard.picker.plugins.scorer;

import dev.switchboard.picker.pool.Endpoint;
import dev.switchboard.picker.scheduling.EndpointListener;
import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.picker.scheduling.PickObserver;
import dev.switchboard.picker.scheduling.PickRequest;
import dev.switchboard.picker.scheduling.Scorer;
import dev.switchboard.picker.scheduling.TypedName;
import java.util.List;

/**
 * Type {@value #TYPE}: favours endpoints that probably hold the prompt's prefix in their KV cache (the approximate
 * prefix cache, see {@link PrefixIndex}). Score = leading prompt blocks the endpoint holds / prompt blocks; 0 for an
 * empty prompt. After each pick the chosen endpoint is recorded as holding the prompt.
 *
 * <p>Parameters (the reference EPP's names and defaults): {@code blockSize} 16 tokens per block (hashed as 4
 * characters a token), {@code maxPrefixBlocksToMatch} 256, {@code lruCapacityPerServer} 31,250 blocks, used when
 * {@code autoTune} (default true) is off or the endpoint does not report its cache size.
 */
public final class PrefixCacheScorer implements Scorer, PickObserver, EndpointListener {
    public static final String TYPE = "prefix-cache-scorer";

    /**
     * @param blockSize              tokens per block
     * @param maxPrefixBlocksToMatch most blocks of a prompt considered
     * @param lruCapacityPerServer   blocks remembered per endpoint
     * @param autoTune               size each endpoint's memory from the cache it reports
     */
    public record Params(int blockSize, int maxPrefixBlocksToMatch, int lruCapacityPerServer, boolean autoTune) {
        public static final Params DEFAULTS = new Params(16, 256, 31_250, true);

        public Params {
            if (blockSize < 1 || maxPrefixBlocksToMatch < 1 || lruCapacityPerServer < 1) {
                throw new IllegalArgumentException("blockSize, maxPrefixBlocksToMatch and lruCapacityPerServer must be >= 1");
            }
        }
    }

    private final TypedName name;
    private final PrefixMatcher matcher;

    public PrefixCacheScorer(String name, Params params) {
        this.name = new TypedName(TYPE, name);
        this.matcher = new PrefixMatcher(name, params);
    }

    @Override
    public TypedName typedName() {
        return name;
    }

    @Override
    public void score(PickRequest request, List<EndpointState> endpoints, double[] scores) {
        int[] blocks = new int[endpoints.size()];
        int total = matcher.match(request, endpoints, blocks);
        for (int i = 0; i < endpoints.size(); i++) {
            scores[i] = total == 0 ? 0 : blocks[i] / (double) total;
        }
    }

    @Override
    public void onPicked(PickRequest request, EndpointState picked) {
        matcher.record(request, picked);
    }

    @Override
    public void endpointRemoved(Endpoint endpoint) {
        matcher.remove(endpoint);
    }
}
