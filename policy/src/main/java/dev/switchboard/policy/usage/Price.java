package dev.switchboard.policy.usage;

import java.math.BigDecimal;

/**
 * A model's prices, in micro-dollars (millionths of a US dollar) per million tokens, so that a price written as
 * {@code $2.50 / 1M tokens} is the exact integer {@code 2_500_000}.
 *
 * <p>Rounding rule (the one place it is decided): a request's cost is the sum of its three products, divided by one
 * million <em>once</em> and rounded <em>up</em> ({@link #costMicros}). So a request is never charged less than it
 * costs, and never more than one micro-dollar above it, whatever the mix of token kinds.
 *
 * @param inputMicrosPerMillion       uncached input (prompt) tokens
 * @param outputMicrosPerMillion      output (completion) tokens, reasoning included
 * @param cachedInputMicrosPerMillion input tokens served from the provider's prompt cache
 */
public record Price(long inputMicrosPerMillion, long outputMicrosPerMillion, long cachedInputMicrosPerMillion) {
    /** Tokens in a price's "per million". */
    static final long PER_MILLION = 1_000_000L;

    public Price {
        if (inputMicrosPerMillion < 0 || outputMicrosPerMillion < 0 || cachedInputMicrosPerMillion < 0) {
            throw new IllegalArgumentException("prices must be >= 0");
        }
    }

    /** Every token free (a self-hosted model whose budget should count nothing). */
    public static final Price FREE = new Price(0, 0, 0);

    /**
     * The cost of a request, in micro-dollars, rounded up. {@code inputTokens} counts every prompt token, the cached
     * ones too (OpenAI's {@code prompt_tokens}); {@code cachedTokens} is the part of them read from cache, priced at
     * the cached rate instead. Saturates at {@link Long#MAX_VALUE} rather than overflowing.
     */
    public long costMicros(long inputTokens, long outputTokens, long cachedTokens) {
        long cached = Math.min(Math.max(cachedTokens, 0), Math.max(inputTokens, 0));
        long uncached = Math.max(inputTokens, 0) - cached;
        long sum = saturatingAdd(saturatingAdd(saturatingMultiply(uncached, inputMicrosPerMillion),
                saturatingMultiply(Math.max(outputTokens, 0), outputMicrosPerMillion)),
                saturatingMultiply(cached, cachedInputMicrosPerMillion));
        return sum == Long.MAX_VALUE ? sum : Math.ceilDiv(sum, PER_MILLION);
    }

    /**
     * The most output tokens that keep {@code costMicros(promptTokens, out, 0) <= remainingMicros}: -1 when even no
     * output fits, {@link Long#MAX_VALUE} when output is free.
     */
    public long maxOutputWithin(long remainingMicros, long promptTokens) {
        long room = saturatingMultiply(Math.max(remainingMicros, 0), PER_MILLION)
                - saturatingMultiply(promptTokens, inputMicrosPerMillion);
        if (room < 0) {
            return -1;
        }
        return outputMicrosPerMillion == 0 ? Long.MAX_VALUE : room / outputMicrosPerMillion;
    }

    /**
     * Dollars per million tokens as written in config ({@code "2.50"}, {@code 0.075}) to micro-dollars per million;
     * throws IllegalArgumentException when negative or finer than a micro-dollar.
     */
    public static long microsPerMillion(BigDecimal dollarsPerMillion) {
        if (dollarsPerMillion.signum() < 0) {
            throw new IllegalArgumentException("expected a price >= 0, got " + dollarsPerMillion.toPlainString());
        }
        BigDecimal micros = dollarsPerMillion.movePointRight(6);
        try {
            return micros.stripTrailingZeros().longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("expected dollars per million tokens with at most 6 decimals, got "
                    + dollarsPerMillion.toPlainString());
        }
    }

    static long saturatingMultiply(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        return high == 0 && low >= 0 ? low : Long.MAX_VALUE;
    }

    static long saturatingAdd(long a, long b) {
        long r = a + b;
        return r < 0 ? Long.MAX_VALUE : r;
    }
}
