package dev.switchboard.bench.report;

import dev.switchboard.core.metrics.VllmMetricNames;

/**
 * vLLM's prefix-cache counters, in prompt tokens: {@code hits} found in the cache out of {@code queries} looked up.
 * A scrape gives running totals; the difference of two scrapes gives a stage's traffic.
 */
public record PrefixCacheCounters(long hits, long queries) {

    public static final PrefixCacheCounters ZERO = new PrefixCacheCounters(0, 0);

    /**
     * The counters in a Prometheus text page ({@code /metrics}), summed over every label set (models, engines);
     * null when the page has neither.
     */
    public static PrefixCacheCounters parse(String page) {
        double hits = 0;
        double queries = 0;
        boolean found = false;
        for (String line : page.split("\n")) {
            if (line.isEmpty() || line.charAt(0) == '#') {
                continue;
            }
            boolean isHits = line.startsWith(VllmMetricNames.PREFIX_CACHE_HITS)
                    && nameEnds(line, VllmMetricNames.PREFIX_CACHE_HITS.length());
            boolean isQueries = !isHits && line.startsWith(VllmMetricNames.PREFIX_CACHE_QUERIES)
                    && nameEnds(line, VllmMetricNames.PREFIX_CACHE_QUERIES.length());
            if (!isHits && !isQueries) {
                continue;
            }
            double value = sampleValue(line);
            if (Double.isNaN(value)) {
                continue;
            }
            found = true;
            if (isHits) {
                hits += value;
            } else {
                queries += value;
            }
        }
        return found ? new PrefixCacheCounters(Math.round(hits), Math.round(queries)) : null;
    }

    private static boolean nameEnds(String line, int at) {
        return at < line.length() && (line.charAt(at) == '{' || line.charAt(at) == ' ' || line.charAt(at) == '\t');
    }

    /** The value of a sample line {@code name{labels} value [timestamp]}, or NaN when it cannot be read. */
    static double sampleValue(String line) {
        int i = 0;
        int n = line.length();
        while (i < n && line.charAt(i) != '{' && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
            i++;
        }
        if (i < n && line.charAt(i) == '{') {
            boolean quoted = false;
            for (i++; i < n; i++) {
                char c = line.charAt(i);
                if (quoted && c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = !quoted;
                } else if (!quoted && c == '}') {
                    i++;
                    break;
                }
            }
        }
        String rest = line.substring(Math.min(i, n)).strip();
        int space = rest.indexOf(' ');
        String value = space < 0 ? rest : rest.substring(0, space);
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    public PrefixCacheCounters minus(PrefixCacheCounters earlier) {
        return new PrefixCacheCounters(hits - earlier.hits, queries - earlier.queries);
    }

    public PrefixCacheCounters plus(PrefixCacheCounters other) {
        return new PrefixCacheCounters(hits + other.hits, queries + other.queries);
    }

    /** hits / queries, or NaN when nothing was looked up. */
    public double hitRate() {
        return queries > 0 ? (double) hits / queries : Double.NaN;
    }
}
