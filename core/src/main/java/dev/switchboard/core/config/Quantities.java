package dev.switchboard.core.config;

import java.math.BigDecimal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes resource quantities as counts: {@code 100}, {@code 1k}, {@code 500M}, {@code 1Gi}, {@code 1.5Gi}.
 * Binary suffixes (Ki, Mi, Gi, Ti, Pi, Ei) are powers of 1024, decimal ones (k, M, G, T, P, E) powers of 1000.
 */
public final class Quantities {
    private static final Pattern QUANTITY = Pattern.compile("(\\d+(?:\\.\\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?");

    private Quantities() {}

    /** Parses {@code text} into a whole, non-negative count; throws IllegalArgumentException saying what is expected. */
    public static long parse(String text) {
        Matcher m = QUANTITY.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a quantity like 100, 1k, 500M or 1Gi, got '" + text + "'");
        }
        BigDecimal value = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(multiplier(m.group(2))));
        try {
            return value.setScale(0, java.math.RoundingMode.CEILING).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("quantity '" + text + "' is too large");
        }
    }

    private static long multiplier(String suffix) {
        if (suffix == null) {
            return 1;
        }
        int power = "KMGTPE".indexOf(Character.toUpperCase(suffix.charAt(0))) + 1;
        long base = suffix.length() == 2 ? 1024 : 1000;
        long out = 1;
        for (int i = 0; i < power; i++) {
            out *= base;
        }
        return out;
    }
}
