package dev.switchboard.policy.limits;

import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What every store's ticket shares: the grant it settles, settled once, and ignored past its lifetime (a ticket
 * that outlived it stays charged as reserved). A store supplies how a settlement's corrections are applied.
 */
public abstract class GrantedTicket implements Ticket {
    protected final LimitPlan plan;
    protected final long granted;
    /** Per limit, what the grant charged. */
    protected final long[] reserved;
    private final long deadline;
    private final InstantSource clock;
    private final AtomicBoolean settled = new AtomicBoolean();

    protected GrantedTicket(LimitPlan plan, long granted, long[] reserved, long deadline, InstantSource clock) {
        this.plan = plan;
        this.granted = granted;
        this.reserved = reserved;
        this.deadline = deadline;
        this.clock = clock;
    }

    @Override
    public final CompletionStage<Void> settle(long inputTokens, long outputTokens, long cachedTokens) {
        if (!settled.compareAndSet(false, true) || clock.millis() > deadline) {
            return CompletableFuture.completedFuture(null);
        }
        return apply(Reservations.deltas(plan, reserved, inputTokens, outputTokens, cachedTokens));
    }

    /** Applies the settlement's corrections (real usage minus what was reserved, per limit). */
    protected abstract CompletionStage<Void> apply(long[] deltas);

    @Override
    public long reservedTokens() {
        return plan.promptTokens() + granted;
    }
}
