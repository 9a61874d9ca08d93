package dev.switchboard.picker.flowcontrol;

import java.time.Duration;
import java.util.Map;

/**
 * One pool's flow control settings, the reference EPP's {@code flowControl} section.
 *
 * @param maxBytes                    queued bytes over all bands (request bodies), 0 = no global limit
 * @param maxRequests                 queued requests over all bands, 0 = no global limit
 * @param defaultRequestTTL           longest wait in the queue before a 429 {@code rejected-ttl-expired}; zero = no
 *                                    limit (the route's request timeout still applies)
 * @param priorityBands               bands configured for particular priorities
 * @param defaultPriorityBand         the template for any other priority
 * @param defaultNegativePriorityBand the template for other priorities below 0, or null to use the default band
 */
public record FlowControlConfig(long maxBytes, long maxRequests, Duration defaultRequestTTL,
        Map<Integer, Band> priorityBands, Band defaultPriorityBand, Band defaultNegativePriorityBand) {

    /** The reference default queue-wait budget. */
    public static final Duration DEFAULT_REQUEST_TTL = Duration.ofSeconds(60);

    public FlowControlConfig {
        priorityBands = Map.copyOf(priorityBands);
        if (maxBytes < 0 || maxRequests < 0) {
            throw new IllegalArgumentException("maxBytes and maxRequests must be 0 (no limit) or more");
        }
        if (defaultRequestTTL.isNegative()) {
            throw new IllegalArgumentException("defaultRequestTTL must not be negative");
        }
    }

    /** Every default: no global limit, a 60 s TTL, every band the default band. */
    public static FlowControlConfig defaults() {
        return new FlowControlConfig(0, 0, DEFAULT_REQUEST_TTL, Map.of(), Band.DEFAULT, null);
    }

    /** The band settings for {@code priority}. */
    public Band band(int priority) {
        Band b = priorityBands.get(priority);
        if (b != null) {
            return b;
        }
        return priority < 0 && defaultNegativePriorityBand != null ? defaultNegativePriorityBand : defaultPriorityBand;
    }

    /**
     * One priority band: every request of one priority, in flows by fairness id.
     *
     * @param maxBytes    queued bytes in the band (reference default 1 GB)
     * @param maxRequests queued requests in the band (reference default 5000)
     * @param fairness    how the band chooses between its flows
     */
    public record Band(long maxBytes, long maxRequests, Fairness fairness) {
        public static final long DEFAULT_MAX_BYTES = 1_000_000_000L;
        public static final long DEFAULT_MAX_REQUESTS = 5000;
        public static final Band DEFAULT = new Band(DEFAULT_MAX_BYTES, DEFAULT_MAX_REQUESTS, Fairness.ROUND_ROBIN);

        public Band {
            if (maxBytes <= 0 || maxRequests <= 0) {
                throw new IllegalArgumentException("a band's maxBytes and maxRequests must be above 0");
            }
        }
    }

    /** How a band chooses the flow to serve next. Within a flow, requests are served first come, first served. */
    public enum Fairness {
        /** Each flow with waiting requests in turn, so a busy flow cannot starve a quiet one (Switchboard's default). */
        ROUND_ROBIN("round-robin-fairness-policy"),
        /** The oldest request of the band, whichever flow it is in: one global FCFS queue (the reference default). */
        GLOBAL_STRICT("global-strict-fairness-policy");

        /** The reference EPP's plugin type name. */
        public final String type;

        Fairness(String type) {
            this.type = type;
        }

        /** The policy with this plugin type, or null. */
        public static Fairness ofType(String type) {
            for (Fairness f : values()) {
                if (f.type.equals(type)) {
                    return f;
                }
            }
            return null;
        }
    }
}
