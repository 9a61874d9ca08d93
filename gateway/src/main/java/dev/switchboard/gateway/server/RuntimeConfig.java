package dev.switchboard.gateway.server;

import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.gateway.routing.Router;

/** One loaded configuration and what is compiled from it; requests read the current one once, at arrival. */
public record RuntimeConfig(GatewayConfig config, Router router) {
    public static RuntimeConfig of(GatewayConfig config) {
        return new RuntimeConfig(config, new Router(config));
    }
}
