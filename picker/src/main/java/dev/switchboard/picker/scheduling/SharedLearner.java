package dev.switchboard.picker.scheduling;

/**
 * A plugin whose learning from picks other replicas can share: the prefix-aware scorers record which prompt blocks
 * went to which endpoint, and a replica that hears of another's pick records it as if it had made it.
 */
public interface SharedLearner extends Plugin {
    /** The block hashes this plugin recorded for the pick of {@code request} (empty when none). */
    long[] recorded(PickRequest request);

    /** Another replica sent the blocks {@code hashes} to {@code at}'s endpoint: learn it as if this one had. */
    void learn(EndpointState at, long[] hashes);
}
