package dev.switchboard.core.config;

import java.nio.file.Path;

/**
 * Resolves a {@code secretRef} (a Kubernetes Secret's key) to a file that holds its value and is rewritten when the
 * Secret changes, so every credential reader the file mode has (re-read on change) serves the Kubernetes mode too.
 * A configuration file has none: its {@code secretRef}s are refused with a message that says what to write instead.
 */
@FunctionalInterface
public interface SecretResolver {
    /**
     * The file holding key {@code key} of Secret {@code name} in {@code namespace} (null: the resource's own).
     *
     * @throws ConfigException when the Secret or the key does not exist (the message names both, never a value)
     */
    Path file(String namespace, String name, String key) throws ConfigException;
}
