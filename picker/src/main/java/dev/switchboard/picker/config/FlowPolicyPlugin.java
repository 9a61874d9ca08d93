package dev.switchboard.picker.config;

import dev.switchboard.picker.scheduling.Plugin;
import dev.switchboard.picker.scheduling.TypedName;

/**
 * A flow control policy declared in {@code plugins} ({@code round-robin-fairness-policy},
 * {@code global-strict-fairness-policy}, {@code fcfs-ordering-policy}) so a band's {@code fairnessPolicyRef} or
 * {@code orderingPolicyRef} can name it. The policies themselves live in the flow controller; they take no
 * parameters.
 */
record FlowPolicyPlugin(TypedName typedName) implements Plugin {
    /** The only ordering policy: first come, first served within a flow. */
    static final String FCFS = "fcfs-ordering-policy";
}
