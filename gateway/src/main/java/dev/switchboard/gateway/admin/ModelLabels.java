package dev.switchboard.gateway.admin;

import java.util.Collection;
import java.util.Set;

/**
 * The value of the {@code gen_ai_request_model} label for a client's model string. Models the configuration names
 * by an exact match label as themselves; other strings get their own value up to {@value #MAX_UNLISTED} distinct
 * ones, and every later one is {@value #OTHER}.
 */
final class ModelLabels {
    /*
     * Problem: a rule with a prefix or regex model match, or no match at all, accepts any model string. Labelling by
     * it lets clients create as many series as they send strings: memory in our registry and in every scraper.
     * Approach: the exact-match models of the current config (Router.models(), replaced at start and each reload)
     * are always themselves. Other strings are admitted first come, first served, up to MAX_UNLISTED over the
     * process's life, then fold into OTHER. So the label has at most (models ever configured) + MAX_UNLISTED + 1
     * values. The configured set is an immutable Set behind a volatile.
     */
    /** Distinct unconfigured model strings that get their own label value: enough for a catch-all route's real use. */
    static final int MAX_UNLISTED = 100;
    /** The label value of every unconfigured model string after the first {@value #MAX_UNLISTED}. */
    static final String OTHER = CappedLabelValues.OTHER;

    private volatile Set<String> configured = Set.of();
    private final CappedLabelValues unlisted = new CappedLabelValues(MAX_UNLISTED);

    /** Replaces the configured models (those named by an exact match). */
    void configured(Collection<String> models) {
        configured = Set.copyOf(models);
    }

    /** The label value for {@code model}, the client's string. */
    String label(String model) {
        if (model == null) {
            return "";
        }
        return configured.contains(model) ? model : unlisted.label(model);
    }
}
