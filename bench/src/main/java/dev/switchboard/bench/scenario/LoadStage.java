package dev.switchboard.bench.scenario;

import java.util.Locale;

/**
 * How load is applied during one stage: open loop (Poisson arrivals at {@code rate} requests per second, whatever
 * the latency) or closed loop ({@code concurrency} requests always in flight, the next sent when one ends).
 *
 * @param rate        requests per second, open loop; 0 for closed loop
 * @param concurrency requests in flight, closed loop; 0 for open loop
 */
public record LoadStage(double rate, int concurrency) {

    public LoadStage {
        boolean open = rate > 0;
        if (open == (concurrency > 0)) {
            throw new IllegalArgumentException("a load stage is either a rate > 0 or a concurrency >= 1, got rate "
                    + rate + " and concurrency " + concurrency);
        }
        if (open && (Double.isInfinite(rate) || Double.isNaN(rate))) {
            throw new IllegalArgumentException("the rate must be a finite number of requests per second, got " + rate);
        }
        if (rate < 0 || concurrency < 0) {
            throw new IllegalArgumentException("rate and concurrency must not be negative");
        }
    }

    /** Poisson arrivals at {@code requestsPerSecond}. */
    public static LoadStage open(double requestsPerSecond) {
        if (!(requestsPerSecond > 0)) {
            throw new IllegalArgumentException("--rate must be > 0 requests per second, got " + requestsPerSecond);
        }
        return new LoadStage(requestsPerSecond, 0);
    }

    /** {@code requests} always in flight. */
    public static LoadStage closed(int requests) {
        if (requests < 1) {
            throw new IllegalArgumentException("--concurrency must be >= 1, got " + requests);
        }
        return new LoadStage(0, requests);
    }

    public boolean openLoop() {
        return rate > 0;
    }

    /** {@code rate 4/s} or {@code concurrency 16}. */
    public String label() {
        if (!openLoop()) {
            return "concurrency " + concurrency;
        }
        String r = rate == Math.rint(rate) && rate < 1e9 ? Long.toString((long) rate) : String.format(Locale.ROOT, "%.3g", rate);
        return "rate " + r + "/s";
    }
}
