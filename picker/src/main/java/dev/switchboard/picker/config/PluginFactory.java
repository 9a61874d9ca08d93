package dev.switchboard.picker.config;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.Fields;
import dev.switchboard.picker.scheduling.Plugin;

/**
 * Builds one plugin instance from an {@code EndpointPickerConfig} entry: the same shape as the built-ins' factories
 * in {@link InTreePlugins}. Read {@code parameters} strictly: call {@link Fields#only} with the fields you accept,
 * then read each with its type and bounds ({@link Fields#integer}, {@link Fields#string}, ...); throw
 * {@code parameters.error(field, "expected ...")} for anything else, so a user's mistake is reported with the file,
 * document, plugin and field path, never as a stack trace.
 */
@FunctionalInterface
public interface PluginFactory {
    /**
     * @param name       the instance name ({@code name} in the config, the type when not given)
     * @param parameters the entry's {@code parameters} (an empty object when not given)
     */
    Plugin create(String name, Fields parameters) throws ConfigException;
}
