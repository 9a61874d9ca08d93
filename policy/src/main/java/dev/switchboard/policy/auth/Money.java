package dev.switchboard.policy.auth;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** US dollars as written in config and on the command line ({@code 12.50}) and as budgets hold them (micro-dollars). */
public final class Money {
    private static final BigDecimal MICROS = BigDecimal.valueOf(1_000_000);

    private Money() {}

    /** {@code 12.50} → 12 500 000; at most six decimals, not negative. */
    public static long microDollars(String usd) {
        BigDecimal v;
        try {
            v = new BigDecimal(usd.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected an amount in US dollars like 12.50, got '" + usd + "'");
        }
        if (v.signum() < 0) {
            throw new IllegalArgumentException("expected an amount of zero or more, got '" + usd + "'");
        }
        try {
            return v.multiply(MICROS).setScale(0, RoundingMode.UNNECESSARY).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("expected at most six decimals and less than 9e12 dollars, got '" + usd + "'");
        }
    }

    /** 12 500 000 → {@code 12.5}. */
    public static String usd(long microDollars) {
        return BigDecimal.valueOf(microDollars).divide(MICROS).stripTrailingZeros().toPlainString();
    }
}
