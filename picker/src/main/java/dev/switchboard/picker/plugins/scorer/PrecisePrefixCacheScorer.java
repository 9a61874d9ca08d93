package dev.switchboard.picker.plugins.scorer;

import dev.switchboard.picker.kvevents.KvBlockIndex;
import dev.switchboard.picker.kvevents.KvEventSubscriber;
import dev.switchboard.picker.kvevents.SimulatorPromptTokens;
import dev.switchboard.picker.pool.Endpoint;
import dev.switchboard.picker.scheduling.AttrKey;
import dev.switchboard.picker.scheduling.EndpointListener;
import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.picker.scheduling.PickObserver;
import dev.switchboard.picker.scheduling.PickRequest;
import dev.switchboard.picker.scheduling.Scorer;
import dev.switchboard.picker.scheduling.TypedName;
import dev.switchboard.picker.scheduling.UncachedTokens;
import java.util.List;

/**
 * Type {@value #TYPE} (llm-d's name): favours endpoints that hold the prompt's prefix in their KV cache as the
 * servers' own KV-cache events say ({@link KvEventSubscriber}), so an evicted prefix no longer counts; score = the
 * prompt's leading full blocks the endpoint holds / its full blocks. An endpoint that has published no event is
 * scored on the approximate index instead ({@link PrefixCacheScorer}'s, which every pick also feeds).
 *
 * <p>Parameters: {@code blockSize} (16) tokens per block, the servers' block size (events of another size are
 * skipped); {@code kvEventsConfig.zmqEndpoint} ({@code tcp://*:5557}) where the picker binds its SUB socket and
 * {@code kvEventsConfig.topicFilter} ({@code kv@}); {@code tokenizer}: how a prompt becomes tokens, and the only
 * one there is, {@code simulator}, matches Switchboard's simulator (a real engine needs its model's tokenizer, not
 * built yet); the approximate index's {@code maxPrefixBlocksToMatch}, {@code lruCapacityPerServer},
 * {@code autoTune} and {@code maxIndexBytes}.
 */
public final class PrecisePrefixCacheScorer implements Scorer, PickObserver, EndpointListener {
    public static final String TYPE = "precise-prefix-cache-scorer";
    public static final String DEFAULT_ZMQ_ENDPOINT = "tcp://*:5557";
    public static final String DEFAULT_TOPIC_FILTER = "kv@";
    public static final String SIMULATOR_TOKENIZER = "simulator";

    /**
     * @param zmqEndpoint where to bind the SUB socket
     * @param topicFilter the topic prefix subscribed to
     * @param prefix      the block size and the approximate index's parameters
     */
    public record Params(String zmqEndpoint, String topicFilter, PrefixCacheScorer.Params prefix) {
        public static final Params DEFAULTS = new Params(DEFAULT_ZMQ_ENDPOINT, DEFAULT_TOPIC_FILTER,
                PrefixCacheScorer.Params.DEFAULTS);
    }

    private final TypedName name;
    private final KvEventSubscriber subscriber;
    private final KvBlockIndex index;
    private final int maxBlocks;
    private final PrefixMatcher approximate;
    private final AttrKey<long[]> chainKey;

    public PrecisePrefixCacheScorer(String name, Params params) {
        this.name = new TypedName(TYPE, name);
        this.subscriber = KvEventSubscriber.shared(params.zmqEndpoint(), params.topicFilter(),
                params.prefix().blockSize());
        this.index = subscriber.index();
        this.maxBlocks = params.prefix().maxPrefixBlocksToMatch();
        this.approximate = new PrefixMatcher(name, params.prefix());
        this.chainKey = AttrKey.of("precise-prefix/" + name + "/" + System.identityHashCode(this), long[].class);
    }

    @Override
    public TypedName typedName() {
        return name;
    }

    /** The subscriber feeding this scorer (its counters, for metrics and tests). */
    public KvEventSubscriber subscriber() {
        return subscriber;
    }

    @Override
    public void score(PickRequest request, List<EndpointState> endpoints, double[] scores) {
        int[] approx = null;
        int approxTotal = 0;
        long[] chain = null;
        for (int i = 0; i < endpoints.size(); i++) {
            Endpoint e = endpoints.get(i).endpoint();
            String server = server(e);
            if (server == null) {
                if (approx == null) {
                    approx = new int[endpoints.size()];
                    approxTotal = approximate.match(request, endpoints, approx);
                }
                scores[i] = approxTotal == 0 ? 0 : approx[i] / (double) approxTotal;
                continue;
            }
            if (chain == null) {
                chain = chain(request);
            }
            int held = index.matched(server, chain);
            scores[i] = chain.length == 0 ? 0 : held / (double) chain.length;
            UncachedTokens.put(request, e, Math.max(0, request.promptTokens() - (long) held * index.blockSize()));
        }
    }

    /** The name {@code e} publishes under ({@code host:port}, or its IP alone), or null when it has published none. */
    private String server(Endpoint e) {
        String address = e.address();
        if (index.knows(address)) {
            return address;
        }
        return index.knows(e.host()) ? e.host() : null;
    }

    private long[] chain(PickRequest request) {
        long[] c = request.attributes().get(chainKey);
        if (c == null) {
            c = index.chain(SimulatorPromptTokens.ids(request.prompt()), maxBlocks);
            request.attributes().put(chainKey, c);
        }
        return c;
    }

    @Override
    public void onPicked(PickRequest request, EndpointState picked) {
        approximate.record(request, picked);
    }

    @Override
    public void endpointRemoved(Endpoint endpoint) {
        approximate.remove(endpoint);
    }
}
