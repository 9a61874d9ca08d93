package dev.switchboard.core.config;

/**
 * A configuration that cannot be used, with a message that names the file, the document, the field path and what
 * was expected, e.g. {@code gateway.yaml: document 2 (AIGatewayRoute/main): spec.rules[0].backendRefs[1].weight:
 * expected an integer >= 0, got -1}.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int document;

    public ConfigException(String message) {
        this(message, -1);
    }

    /** A problem in document {@code document} of the set being loaded (its index), or -1 when no one document. */
    public ConfigException(String message, int document) {
        super(message);
        this.document = document;
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
        this.document = -1;
    }

    /**
     * The index of the document at fault in the set being loaded, or -1: a loader that may skip a bad resource
     * (the Kubernetes mode) drops that one and loads the rest.
     */
    public int document() {
        return document;
    }
}
