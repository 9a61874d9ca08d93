package dev.switchboard.extproc.service;

import dev.switchboard.core.error.ApiError;
import dev.switchboard.extproc.protocol.EppNames;
import dev.switchboard.picker.pool.InferencePool;
import dev.switchboard.picker.pool.InferencePools;
import java.util.Map;

/**
 * Which of the process's InferencePools picks the endpoint for one stream, or none: then the stream gets body-based
 * routing only (model headers, no pick).
 */
final class PoolSelector {
    /*
     * The order, first that applies:
     *  1. the ext_proc call's gRPC metadata header x-switchboard-pool (Envoy sets it per route with ExtProcPerRoute's
     *     grpc_initial_metadata: the operator's choice, which a client cannot forge);
     *  2. the request header x-switchboard-pool (for proxies that cannot set per-route metadata; a route that should
     *     not let clients choose strips it before the ext_proc filter);
     *  3. body-based routing, when the process runs with --bbr;
     *  4. --pool NAME;
     *  5. the configuration's only pool;
     *  6. otherwise (no pool, or several and none named): body-based routing.
     * A name that is no pool of the configuration is answered 503 with the pools there are, as a misrouted request
     * must not silently land on some other pool.
     */
    private final String defaultPool;
    private final boolean bodyBasedRouting;

    PoolSelector(String defaultPool, boolean bodyBasedRouting) {
        this.defaultPool = defaultPool;
        this.bodyBasedRouting = bodyBasedRouting;
    }

    /**
     * The pool, or null for body-based routing.
     *
     * @param fromCall   the call's gRPC metadata value, or null
     * @param fromHeader the request header's value, or null
     */
    InferencePool choose(String fromCall, String fromHeader, InferencePools pools) throws RequestRejected {
        String named = !blank(fromCall) ? fromCall.strip() : !blank(fromHeader) ? fromHeader.strip() : null;
        if (named != null) {
            return known(named, pools, "requested with " + EppNames.POOL);
        }
        if (bodyBasedRouting) {
            return null;
        }
        if (defaultPool != null) {
            return known(defaultPool, pools, "the processor's --pool");
        }
        Map<String, InferencePool> all = pools.all();
        return all.size() == 1 ? all.values().iterator().next() : null;
    }

    private static InferencePool known(String name, InferencePools pools, String how) throws RequestRejected {
        InferencePool pool = pools.get(name);
        if (pool == null) {
            var names = pools.all().keySet();
            throw new RequestRejected(ApiError.serverError(503, "No InferencePool '" + name + "' (" + how + ") in"
                    + " this endpoint picker's configuration; it serves " + (names.isEmpty() ? "no pools"
                    : "the pools " + String.join(", ", names)) + "."));
        }
        return pool;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
