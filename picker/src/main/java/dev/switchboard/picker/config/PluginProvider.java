package dev.switchboard.picker.config;

import java.util.Map;

/**
 * The service-provider interface for third-party picker plugins: a jar on the class path that lists its
 * implementation in {@code META-INF/services/dev.switchboard.picker.config.PluginProvider} contributes plugin types,
 * which {@code EndpointPickerConfig} files then use like the built-in ones. Found once, with
 * {@link java.util.ServiceLoader}, the first time a configuration is loaded.
 *
 * <p>A type must be kebab-case and must not be taken: by a built-in plugin or by another provider. A clash is
 * rejected with a message naming both registrants (never resolved by class-path order). A plugin implements the
 * scheduling interfaces its role needs ({@code Filter}, {@code Scorer}, {@code Picker}, {@code PickObserver},
 * {@code ResponseHeaderProcessor}, all in {@code dev.switchboard.picker.scheduling}); one instance serves every
 * request concurrently, so it must be thread-safe and fast (the scheduling budget is ~200 µs per pick).
 */
public interface PluginProvider {
    /** The plugin types this provider contributes, by type name. */
    Map<String, PluginFactory> plugins();

    /** Names the provider in error messages; its class name unless overridden. */
    default String name() {
        return getClass().getName();
    }
}
