package dev.switchboard.picker.plugins.scorer;

import dev.switchboard.picker.kvevents.KvEventsConfig;
import dev.switchboard.picker.pool.Endpoint;
import dev.switchboard.picker.scheduling.EndpointListener;
import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.picker.scheduling.PickObserver;
import dev.switchboard.picker.scheduling.PickRequest;
import dev.switchboard.picker.scheduling.Scorer;
import dev.switchboard.picker.scheduling.SharedLearner;
import dev.switchboard.picker.scheduling.TypedName;
import java.util.List;

/**
 * Type {@value #TYPE}: favours endpoints that probably hold the prompt's prefix in their KV cache (the approximate
 * prefix cache, see {@link PrefixIndex}). Score = leading prompt blocks the endpoint holds / prompt blocks; 0 for an
 * empty prompt. After each pick the chosen endpoint is recorded as holding the prompt.
 *
 * <p>Parameters (the reference EPP's names and defaults): {@code blockSize} 16 tokens per block (hashed as 4
 * characters a token), {@code maxPrefixBlocksToMatch} 256, {@code lruCapacityPerServer} 31,250 blocks, used when
 * {@code autoTune} (default true) is off or the endpoint does not report its cache size. Switchboard's own:
 * {@code maxIndexBytes} (64 MiB, a quantity such as {@code 64Mi} or a number of bytes), the most memory the index
 * takes; when the endpoints' capacities add up to more blocks than that holds, each endpoint's is cut to a fair
 * share (see {@link PrefixIndex}); {@code kvEventsConfig} ({@code zmqEndpoint}, {@code topicFilter}): receive the
 * servers' KV-cache events there, and score an endpoint that publishes them on what it really holds
 * ({@link PrefixMatcher}); {@code tokenizer}, with events: how a prompt becomes the servers' tokens (only
 * {@code simulator} exists).
 *
 * <p>Type {@value #PRECISE_TYPE} (llm-d's name) is this scorer with {@code kvEventsConfig} on by default.
 */
public final class PrefixCacheScorer implements Scorer, PickObserver, EndpointListener, SharedLearner {
    public static final String TYPE = "prefix-cache-scorer";
    public static final String PRECISE_TYPE = "precise-prefix-cache-scorer";
    /**
     * The index's default memory bound, 64 MiB: about 3.0 million (block, endpoint) entries, so 100 endpoints of
     * 30,000 blocks each (480,000 tokens of cache in 16-token blocks, an H100 serving an 8B model) are remembered
     * whole; the reference's lruCapacityPerServer default (31,250) times 100 is cut by 2.7 %, to 30,420 each.
     */
    public static final long DEFAULT_MAX_INDEX_BYTES = 64L << 20;
    /** The smallest bound: 1 MiB, about 39,300 entries (the per-endpoint arrays alone take 180 KB). */
    public static final long MIN_INDEX_BYTES = 1L << 20;
    /** The largest bound: 16 GiB (the table's arrays cannot address more). */
    public static final long MAX_INDEX_BYTES = 16L << 30;

    /**
     * @param blockSize              tokens per block
     * @param maxPrefixBlocksToMatch most blocks of a prompt considered
     * @param lruCapacityPerServer   blocks remembered per endpoint
     * @param autoTune               size each endpoint's memory from the cache it reports
     * @param maxIndexBytes          the most memory the index takes, in bytes
     * @param kvEvents               where to receive the servers' KV-cache events, or null for none
     */
    public record Params(int blockSize, int maxPrefixBlocksToMatch, int lruCapacityPerServer, boolean autoTune,
            long maxIndexBytes, KvEventsConfig kvEvents) {
        public static final Params DEFAULTS = new Params(16, 256, 31_250, true);

        public Params {
            if (blockSize < 1 || maxPrefixBlocksToMatch < 1 || lruCapacityPerServer < 1) {
                throw new IllegalArgumentException("blockSize, maxPrefixBlocksToMatch and lruCapacityPerServer must be >= 1");
            }
            if (maxIndexBytes < MIN_INDEX_BYTES || maxIndexBytes > MAX_INDEX_BYTES) {
                throw new IllegalArgumentException("maxIndexBytes must be from 1Mi to 16Gi, got " + maxIndexBytes);
            }
        }

        /** The reference EPP's parameters, with the default memory bound. */
        public Params(int blockSize, int maxPrefixBlocksToMatch, int lruCapacityPerServer, boolean autoTune) {
            this(blockSize, maxPrefixBlocksToMatch, lruCapacityPerServer, autoTune, DEFAULT_MAX_INDEX_BYTES);
        }

        /** Without KV events. */
        public Params(int blockSize, int maxPrefixBlocksToMatch, int lruCapacityPerServer, boolean autoTune,
                long maxIndexBytes) {
            this(blockSize, maxPrefixBlocksToMatch, lruCapacityPerServer, autoTune, maxIndexBytes, null);
        }
    }

    private final TypedName name;
    private final PrefixMatcher matcher;

    public PrefixCacheScorer(String name, Params params) {
        this(TYPE, name, params);
    }

    /** As {@code type}: {@link #TYPE}, or {@link #PRECISE_TYPE}. */
    public PrefixCacheScorer(String type, String name, Params params) {
        this.name = new TypedName(type, name);
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
    public long[] recorded(PickRequest request) {
        return matcher.recorded(request);
    }

    @Override
    public void learn(EndpointState at, long[] hashes) {
        matcher.learn(at, hashes);
    }

    @Override
    public void endpointRemoved(Endpoint endpoint) {
        matcher.remove(endpoint);
    }
}
