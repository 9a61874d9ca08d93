package dev.switchboard.picker.plugins.scorer;

import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.picker.scheduling.PickRequest;
import dev.switchboard.picker.scheduling.Scorer;
import dev.switchboard.picker.scheduling.TypedName;
import dev.switchboard.picker.scheduling.UncachedTokens;
import java.util.List;

/**
 * Type {@value #TYPE} (llm-d's): the endpoint with the least prefill ahead of this request wins: its backlog of
 * uncached prompt tokens from this gateway plus this prompt's uncached tokens there (as a prefix plugin before it
 * estimated them; the whole prompt otherwise). With {@code perEndpointRate: true} (Switchboard's) the tokens are
 * divided by each endpoint's learned prefill throughput, so a slower endpoint's backlog counts for what it takes
 * there, not for its size. Scores are {@code best / mine}: 1 for the least loaded, in (0, 1] for the others.
 */
public final class TokenLoadScorer implements Scorer {
    public static final String TYPE = "token-load-scorer";

    private final TypedName name;
    private final boolean perEndpointRate;

    public TokenLoadScorer(String name, boolean perEndpointRate) {
        this.name = new TypedName(TYPE, name);
        this.perEndpointRate = perEndpointRate;
    }

    @Override
    public TypedName typedName() {
        return name;
    }

    @Override
    public void score(PickRequest request, List<EndpointState> endpoints, double[] scores) {
        double[] rates = perEndpointRate ? PrefillRates.of(endpoints, 0) : null;
        double best = Double.MAX_VALUE;
        for (int i = 0; i < endpoints.size(); i++) {
            EndpointState e = endpoints.get(i);
            long uncached = UncachedTokens.of(request, e.endpoint());
            scores[i] = 1 + (rates == null ? e.prefillTokens() + uncached : PrefillRates.ttftMs(e, uncached, rates[i]));
            best = Math.min(best, scores[i]);
        }
        for (int i = 0; i < endpoints.size(); i++) {
            scores[i] = best / scores[i];
        }
    }
}
