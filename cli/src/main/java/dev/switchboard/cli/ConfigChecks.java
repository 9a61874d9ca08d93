package dev.switchboard.cli;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.PoolConfig;
import dev.switchboard.picker.pool.PoolProfiles;
import dev.switchboard.policy.Policies;

/** What the loader leaves to other modules, read as the gateway would: policies and each pool's picker. */
final class ConfigChecks {
    private ConfigChecks() {}

    static void check(GatewayConfig c) throws ConfigException {
        Policies.check(c.policies(), c.routeNames()); // client auth, limits, prices and guardrails
        for (PoolConfig p : c.pools()) {
            PoolProfiles.build(p); // the picker configuration (EndpointPickerConfig), read as a pool would
        }
    }
}
