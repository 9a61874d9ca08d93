package dev.switchboard.picker.plugins.scorer;

import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.picker.scheduling.PickRequest;
import dev.switchboard.picker.scheduling.Scorer;
import dev.switchboard.picker.scheduling.TypedName;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * The reference EPP's min-max normalization of a "fewer is better" count, shared by the scorers that differ only in
 * the count they read: {@code (max - v) / (max - min)} over the known values; all equal gives 1.0; an unknown value
 * (negative) scores 0, since an endpoint whose load is not known should not win on load.
 */
abstract class FewerIsBetterScorer implements Scorer {
    private final TypedName name;
    private final ToIntFunction<EndpointState> count;

    FewerIsBetterScorer(String type, String name, ToIntFunction<EndpointState> count) {
        this.name = new TypedName(type, name);
        this.count = count;
    }

    @Override
    public final TypedName typedName() {
        return name;
    }

    @Override
    public final void score(PickRequest request, List<EndpointState> endpoints, double[] scores) {
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        for (EndpointState e : endpoints) {
            int v = count.applyAsInt(e);
            if (v >= 0) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        for (int i = 0; i < endpoints.size(); i++) {
            int v = count.applyAsInt(endpoints.get(i));
            if (v < 0) {
                scores[i] = 0;
            } else if (max == min) {
                scores[i] = 1;
            } else {
                scores[i] = (double) (max - v) / (max - min);
            }
        }
    }
}
