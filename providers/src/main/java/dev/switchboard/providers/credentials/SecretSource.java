package dev.switchboard.providers.credentials;

import java.nio.file.Path;

/**
 * Where a secret is read from: an environment variable or a file. Names only, so this prints safely. Inline secrets
 * in config are not a source on purpose: Envoy AI Gateway reads them from Kubernetes Secrets, which a file mount or
 * an environment variable carries.
 */
public sealed interface SecretSource {

    /** The value of environment variable {@code variable}, read once at start. */
    record Env(String variable) implements SecretSource {
    }

    /** The content of {@code path} (trailing newline removed), re-read when the file changes. */
    record File(Path path) implements SecretSource {
    }
}
