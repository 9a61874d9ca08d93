package dev.switchboard.gateway.admin;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The values one metric label may take when clients choose them: the first {@code max} distinct ones are themselves,
 * every later one is {@value #OTHER}, for the life of the process (a series, once created, stays in the registry, so
 * admission never resets).
 */
final class CappedLabelValues {
    /*
     * Concurrency: the admitted values are a ConcurrentHashMap read without a lock. Admitting reserves a slot in an
     * AtomicInteger first, so the cap is exact. Cost: one hash lookup for an admitted value; after the cap a miss
     * adds one volatile read.
     */
    /** The label value of every value past the cap. */
    static final String OTHER = "other";

    private final int max;
    private final Set<String> admitted = ConcurrentHashMap.newKeySet();
    private final AtomicInteger slots = new AtomicInteger();

    CappedLabelValues(int max) {
        this.max = max;
    }

    /** {@code value} itself while there is room (or it was admitted before), else {@value #OTHER}. */
    String label(String value) {
        return admitted.contains(value) || admit(value) ? value : OTHER;
    }

    private boolean admit(String value) {
        while (true) {
            int taken = slots.get();
            if (taken >= max) {
                return admitted.contains(value); // another thread may have admitted it meanwhile
            }
            if (slots.compareAndSet(taken, taken + 1)) {
                if (!admitted.add(value)) {
                    slots.decrementAndGet(); // admitted by another thread meanwhile: give the slot back
                }
                return true;
            }
        }
    }
}
