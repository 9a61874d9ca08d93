package dev.switchboard.policy.limits;

import java.time.Instant;
import java.time.InstantSource;

/** A clock the test moves by hand, in milliseconds. */
final class FakeClock implements InstantSource {
    private volatile long millis;

    FakeClock(long millis) {
        this.millis = millis;
    }

    void advance(long ms) {
        millis += ms;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis);
    }

    @Override
    public long millis() {
        return millis;
    }
}
