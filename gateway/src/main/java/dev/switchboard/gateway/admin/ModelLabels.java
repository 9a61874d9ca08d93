package dev.switchboard.gateway.admin;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

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
     * process's life (a series, once created, stays in the registry, so admission never resets), then fold into
     * OTHER. So the label has at most (models ever configured) + MAX_UNLISTED + 1 values.
     * Concurrency: the configured set is an immutable Set behind a volatile; the admitted strings a
     * ConcurrentHashMap read without a lock. Admitting reserves a slot in an AtomicInteger first, so the cap is exact.
     * Cost: one hash lookup for a configured model, two for an admitted one; after the cap a miss adds one volatile
     * read. Only the first MAX_UNLISTED strings ever take the admission path.
     */
    /** Distinct unconfigured model strings that get their own label value: enough for a catch-all route's real use. */
    static final int MAX_UNLISTED = 100;
    /** The label value of every unconfigured model string after the first {@value #MAX_UNLISTED}. */
    static final String OTHER = "other";

    private volatile Set<String> configured = Set.of();
    private final Set<String> admitted = ConcurrentHashMap.newKeySet();
    private final AtomicInteger slots = new AtomicInteger();

    /** Replaces the configured models (those named by an exact match). */
    void configured(Collection<String> models) {
        configured = Set.copyOf(models);
    }

    /** The label value for {@code model}, the client's string. */
    String label(String model) {
        if (model == null) {
            return "";
        }
        if (configured.contains(model) || admitted.contains(model)) {
            return model;
        }
        return admit(model) ? model : OTHER;
    }

    private boolean admit(String model) {
        while (true) {
            int taken = slots.get();
            if (taken >= MAX_UNLISTED) {
                return admitted.contains(model); // another thread may have admitted it meanwhile
            }
            if (slots.compareAndSet(taken, taken + 1)) {
                if (!admitted.add(model)) {
                    slots.decrementAndGet(); // admitted by another thread meanwhile: give the slot back
                }
                return true;
            }
        }
    }
}
