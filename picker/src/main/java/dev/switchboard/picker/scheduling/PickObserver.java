package dev.switchboard.picker.scheduling;

/** A plugin that learns from each decision, e.g. which endpoint now holds a prompt's prefix. */
public interface PickObserver extends Plugin {
    /** {@code picked} was chosen for {@code request}; called once per pick, after it. */
    void onPicked(PickRequest request, EndpointState picked);
}
