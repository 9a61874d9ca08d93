package dev.switchboard.picker.pool;

import dev.switchboard.picker.flowcontrol.Rejection;
import java.util.List;

/**
 * A pool's answer for one request: where to send it, or why not.
 *
 * @param picked    the picker's choice, best first (empty when rejected)
 * @param fallbacks the other endpoints the filters let through, in pool order: where a retry may go
 * @param rejection why the pool turned the request away, or null
 * @param message   that reason in words a client can act on, or null
 */
public record Decision(List<Endpoint> picked, List<Endpoint> fallbacks, Rejection rejection, String message) {
    public Decision {
        picked = List.copyOf(picked);
        fallbacks = List.copyOf(fallbacks);
    }

    static Decision rejected(Rejection why, String message) {
        return new Decision(List.of(), List.of(), why, message);
    }

    public boolean rejected() {
        return rejection != null;
    }
}
