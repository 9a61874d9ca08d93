package dev.switchboard.policy.auth;

import dev.switchboard.core.config.Durations;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Periods of days and weeks ({@code 30d}, {@code 1w}), beside core's shorter {@link Durations} ({@code 1h},
 * {@code 90m}): key expiries and budget periods are written in days.
 */
public final class Periods {
    private static final Pattern DAYS = Pattern.compile("(\\d+)([dw])");

    private Periods() {}

    /** {@code 30d}, {@code 2w}, or anything {@link Durations#parse} reads; positive. */
    public static Duration parse(String text) {
        Duration d;
        Matcher m = text == null ? null : DAYS.matcher(text.trim());
        if (m != null && m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = Duration.ofDays(m.group(2).equals("w") ? n * 7 : n);
        } else {
            try {
                d = Durations.parse(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("expected a period like 30d, 1w, 12h or 90m, got '" + text + "'");
            }
        }
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("expected a period longer than zero, got '" + text + "'");
        }
        return d;
    }

    /** The shortest text {@link #parse} reads back as {@code d}. */
    public static String format(Duration d) {
        if (d.toMillis() % Duration.ofDays(1).toMillis() == 0) {
            return d.toDays() + "d";
        }
        if (d.toMillis() % Duration.ofHours(1).toMillis() == 0) {
            return d.toHours() + "h";
        }
        if (d.toMillis() % Duration.ofMinutes(1).toMillis() == 0) {
            return d.toMinutes() + "m";
        }
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
