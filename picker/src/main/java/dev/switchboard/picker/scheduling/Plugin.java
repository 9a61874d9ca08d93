package dev.switchboard.picker.scheduling;

/** Anything the scheduling framework can be configured with. */
public interface Plugin {
    TypedName typedName();
}
