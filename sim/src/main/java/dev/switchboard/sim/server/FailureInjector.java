package dev.switchboard.sim.server;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Decides which requests fail on purpose: a random share ({@code --failure-rate}) drawn from the enabled types, or
 * the type a request asks for in the {@code x-sim-fail} header.
 */
final class FailureInjector {
    /** The failures the simulator can inject. */
    enum Type {
        /** 429: the server says it is overloaded. */
        RATE_LIMIT("429"),
        /** 500: an internal error. */
        SERVER_ERROR("500"),
        /** 503: the server is unavailable. */
        UNAVAILABLE("503"),
        /** The connection is reset (TCP RST) partway through the response. */
        RESET("reset"),
        /** The first token comes late by the configured delay (wall clock, not scaled). */
        SLOW("slow");

        final String token;

        Type(String token) {
            this.token = token;
        }

        static Type parse(String s) {
            String v = s.trim().toLowerCase(Locale.ROOT);
            for (Type t : values()) {
                if (t.token.equals(v) || t.name().toLowerCase(Locale.ROOT).replace('_', '-').equals(v)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown failure type '" + s + "': expected one of 429, 500, 503, reset, slow");
        }
    }

    private final double rate;
    private final List<Type> types;
    final long slowFirstTokenMillis;

    FailureInjector(double rate, List<Type> types, long slowFirstTokenMillis) {
        if (rate < 0 || rate > 1) {
            throw new IllegalArgumentException("failure rate must be in [0, 1], got " + rate);
        }
        if (rate > 0 && types.isEmpty()) {
            throw new IllegalArgumentException("a failure rate needs at least one failure type");
        }
        this.rate = rate;
        this.types = List.copyOf(types);
        this.slowFirstTokenMillis = slowFirstTokenMillis;
    }

    /** The failure for this request, or null. {@code forced} is the x-sim-fail header value, if any. */
    Type pick(String forced) {
        if (forced != null && !forced.isBlank()) {
            return Type.parse(forced);
        }
        if (rate > 0 && ThreadLocalRandom.current().nextDouble() < rate) {
            return types.get(ThreadLocalRandom.current().nextInt(types.size()));
        }
        return null;
    }
}
