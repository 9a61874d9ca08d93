package dev.switchboard.policy.usage;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Prices per model: an exact name wins; otherwise the longest matching prefix entry ({@code gpt-4o} for
 * {@code gpt-4o-2024-08-06}); otherwise none (a model with no price cannot be charged against a money budget, and the
 * limiter says so instead of letting it through free). Immutable; one table serves every request.
 *
 * @param exact    model name → price
 * @param prefixes name prefix → price
 */
public record PriceTable(Map<String, Price> exact, Map<String, Price> prefixes) {
    public static final PriceTable EMPTY = new PriceTable(Map.of(), Map.of());

    public PriceTable {
        exact = Map.copyOf(exact);
        prefixes = Map.copyOf(prefixes);
    }

    /** The price of {@code model}, if the table has one (prefixes are few: a scan costs less than a trie). */
    public Optional<Price> priceOf(String model) {
        Price p = exact.get(model);
        if (p != null) {
            return Optional.of(p);
        }
        String best = null;
        for (Map.Entry<String, Price> e : prefixes.entrySet()) {
            if (model.startsWith(e.getKey()) && (best == null || e.getKey().length() > best.length())) {
                best = e.getKey();
            }
        }
        return best == null ? Optional.empty() : Optional.of(prefixes.get(best));
    }

    /** This table with {@code other}'s entries added; {@code other} wins where both name a model or prefix. */
    public PriceTable merge(PriceTable other) {
        Map<String, Price> e = new HashMap<>(exact);
        e.putAll(other.exact);
        Map<String, Price> p = new HashMap<>(prefixes);
        p.putAll(other.prefixes);
        return new PriceTable(e, p);
    }
}
