package dev.switchboard.core.config;

/**
 * A configuration that cannot be used, with a message that names the file, the document, the field path and what
 * was expected, e.g. {@code gateway.yaml: document 2 (AIGatewayRoute/main): spec.rules[0].backendRefs[1].weight:
 * expected an integer >= 0, got -1}.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
