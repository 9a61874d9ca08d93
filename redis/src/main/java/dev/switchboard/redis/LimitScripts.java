package dev.switchboard.redis;

import dev.switchboard.policy.limits.Limit;
import dev.switchboard.policy.limits.LimitOutcome;
import dev.switchboard.policy.limits.LimitPlan;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The wire format of the two limit scripts: a plan into {@code reserve.lua}'s keys and arguments and its reply
 * into a {@link LimitOutcome}; corrections into {@code adjust.lua}'s. The scripts document each position.
 */
final class LimitScripts {
    private static final LuaScript RESERVE = LuaScript.load("reserve.lua");
    private static final LuaScript ADJUST = LuaScript.load("adjust.lua");

    private final String prefix;

    LimitScripts(String prefix) {
        this.prefix = prefix;
    }

    /** A reservation's reply: the outcome, and Redis's clock when it was decided. */
    record Reply(LimitOutcome outcome, long redisNow) {}

    CompletionStage<Reply> reserve(RedisAsyncCommands<String, String> redis, LimitPlan plan) {
        List<Limit> limits = plan.limits();
        String[] args = new String[5 + 5 * limits.size()];
        long inPrice = plan.price() == null ? 0 : plan.price().inputMicrosPerMillion();
        long outPrice = plan.price() == null ? 0 : plan.price().outputMicrosPerMillion();
        fill(args, 0, plan.promptTokens(), plan.requestedOutput(), plan.minOutput(), inPrice, outPrice);
        for (int i = 0; i < limits.size(); i++) {
            Limit l = limits.get(i);
            fill(args, 5 + 5 * i, kind(l), l.amount(), l.periodMillis(), l.counted().inputWeight,
                    l.counted().outputWeight);
        }
        return RESERVE.<List<Object>>run(redis, ScriptOutputType.MULTI, keys(limits), args)
                .thenApply(reply -> decode(limits.size(), reply));
    }

    /**
     * Adds {@code scaled[i]} (token-milliseconds, or micro-dollars for a budget of window {@code windows[i]}) to
     * each limit; completes with how many were applied.
     */
    CompletionStage<Long> adjust(RedisAsyncCommands<String, String> redis, List<Limit> limits, long[] scaled,
            long[] windows) {
        String[] args = new String[5 * limits.size()];
        for (int i = 0; i < limits.size(); i++) {
            Limit l = limits.get(i);
            fill(args, 5 * i, kind(l), l.amount(), l.periodMillis(), scaled[i], windows[i]);
        }
        return ADJUST.run(redis, ScriptOutputType.INTEGER, keys(limits), args);
    }

    private static Reply decode(int n, List<Object> reply) {
        long[] remaining = new long[n];
        long[] reset = new long[n];
        for (int i = 0; i < n; i++) {
            remaining[i] = (Long) reply.get(4 + i);
            reset[i] = (Long) reply.get(4 + n + i);
        }
        long second = (Long) reply.get(1);
        LimitOutcome o = (Long) reply.get(0) == 0
                ? new LimitOutcome(-1, (int) second, (Long) reply.get(2), remaining, reset)
                : new LimitOutcome(second, -1, 0, remaining, reset);
        return new Reply(o, (Long) reply.get(3));
    }

    private String[] keys(List<Limit> limits) {
        String[] keys = new String[limits.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = prefix + limits.get(i).key();
        }
        return keys;
    }

    private static int kind(Limit l) {
        return switch (l.kind()) {
            case REQUESTS -> 1;
            case TOKENS -> 2;
            case BUDGET -> 3;
        };
    }

    private static void fill(String[] args, int at, long... values) {
        for (int i = 0; i < values.length; i++) {
            args[at + i] = Long.toString(values[i]);
        }
    }
}
