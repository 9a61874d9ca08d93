package dev.switchboard.gateway.server;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.gateway.routing.Router;
import dev.switchboard.picker.pool.InferencePool;
import dev.switchboard.picker.pool.InferencePools;
import dev.switchboard.policy.Policies;
import dev.switchboard.providers.credentials.BackendCredentials;
import dev.switchboard.redis.RedisKeyStore;
import dev.switchboard.redis.RedisRateLimiter;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One loaded configuration and what is built from it: the router, and the InferencePools it routes to. Requests
 * read the current one once, at arrival, and use its router and its pools to the end. The pools themselves are
 * the gateway's ({@link InferencePools}): a reload reconfigures the ones it keeps in place, so a request that
 * arrived before it still talks to a live pool (and a request waiting in a pool's queue keeps its place).
 */
public final class RuntimeConfig {
    private final GatewayConfig config;
    private final Router router;
    private final Map<String, InferencePool> pools;
    private final BackendCredentials credentials;
    private final Policies policies;

    private RuntimeConfig(GatewayConfig config, Router router, Map<String, InferencePool> pools,
            BackendCredentials credentials, Policies policies) {
        this.config = config;
        this.router = router;
        this.pools = pools;
        this.credentials = credentials;
        this.policies = policies;
    }

    /**
     * Builds {@code config}'s runtime and makes its pools {@code pools}' (new ones start, kept ones are
     * reconfigured, removed ones close, turning away the requests in their queues).
     *
     * @throws ConfigException when a pool's picker configuration is invalid; nothing has changed then
     */
    static RuntimeConfig build(GatewayConfig config, InferencePools pools, ScheduledExecutorService tokens,
            Policies previous) throws ConfigException {
        Router router = new Router(config);
        Policies policies = Policies.start(config.policies(), config.routeNames(), System::getenv, Clock.systemUTC(),
                RedisRateLimiter::create, RedisKeyStore::open, previous);
        BackendCredentials credentials;
        try {
            credentials = BackendCredentials.start(config.backends(), Clock.systemUTC(), tokens);
        } catch (ConfigException | RuntimeException e) {
            policies.close();
            throw e;
        }
        try {
            pools.apply(config.pools());
        } catch (ConfigException | RuntimeException e) {
            credentials.close();
            policies.close();
            throw e;
        }
        return new RuntimeConfig(config, router, pools.all(), credentials, policies);
    }

    /** Client authentication and the other governance steps (closed by the gateway when replaced). */
    public Policies policies() {
        return policies;
    }

    /** The backends' credentials (closed by the gateway when this configuration is replaced). */
    public BackendCredentials credentials() {
        return credentials;
    }

    public GatewayConfig config() {
        return config;
    }

    public Router router() {
        return router;
    }

    /** The pools of this configuration, by name. */
    public Map<String, InferencePool> pools() {
        return pools;
    }
}
