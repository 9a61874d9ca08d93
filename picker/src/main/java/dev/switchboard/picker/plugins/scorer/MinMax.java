package dev.switchboard.picker.plugins.scorer;

import java.util.List;
import java.util.function.ToIntFunction;

/** The reference EPP's min-max normalization for "fewer is better" counts. */
final class MinMax {
    private MinMax() {}

    /**
     * {@code (max - v) / (max - min)} over the known values; all equal gives 1.0; an unknown value (negative)
     * scores 0, since an endpoint whose load is not known should not win on load.
     */
    static <T> void fewerIsBetter(List<T> items, ToIntFunction<T> value, double[] scores) {
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        for (T t : items) {
            int v = value.applyAsInt(t);
            if (v >= 0) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        for (int i = 0; i < items.size(); i++) {
            int v = value.applyAsInt(items.get(i));
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
