package dev.switchboard.bench.scenario;

/** What to send: a named workload and its parameters, validated; {@link #create} makes the running instance. */
public sealed interface WorkloadSpec permits SharedPrefixSpec, RandomSpec, LoraMixSpec, MultiTurnSpec {

    /** The workload's name as given to {@code --workload}, e.g. {@code shared-prefix}. */
    String name();

    /** Its parameters in a few words, for reports. */
    String describe();

    /** A fresh workload drawing from {@code seed}; {@code model} is the model requests name (unless a mix says otherwise). */
    Workload create(long seed, String model);

    /** How many requests it can produce in all, or -1 when endless. */
    default long totalRequests() {
        return -1;
    }
}
