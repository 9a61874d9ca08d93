package dev.switchboard.core.config;

import java.nio.file.Path;

/**
 * How a set of resources is read into a {@link GatewayConfig}.
 *
 * @param baseDir        where relative paths are resolved from
 * @param secrets        resolves {@code secretRef}s, or null where there are no Secrets (a file)
 * @param controllerName the Kubernetes mode: only Gateway API Gateways of a GatewayClass naming this controller are
 *                       served, and routes must attach to one; null for a file, which serves its Gateway whatever
 *                       its class names (the file was given to this gateway)
 * @param gatewayName    the Gateway API Gateway to serve when there are several, or null
 */
public record LoadOptions(Path baseDir, SecretResolver secrets, String controllerName, String gatewayName) {
    /** The controller name a GatewayClass gives to have Switchboard serve its Gateways. */
    public static final String CONTROLLER_NAME = "switchboard.dev/gateway-controller";

    /** A file: paths resolved from {@code baseDir}, no Secrets, any Gateway's class. */
    public static LoadOptions file(Path baseDir) {
        return new LoadOptions(baseDir, null, null, null);
    }

    /** A file whose Gateway API Gateway is chosen by name (null: the only one). */
    public LoadOptions withGateway(String name) {
        return new LoadOptions(baseDir, secrets, controllerName, name);
    }

    boolean cluster() {
        return controllerName != null;
    }
}
