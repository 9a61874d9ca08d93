/**
 * Request rate, token rate and money budgets, charged before the call and reconciled after it.
 *
 * <p>A {@link dev.switchboard.policy.limits.RateLimiter} reserves a request's estimate (prompt tokens plus the output
 * it may produce, clamped to what every limit has left) and answers with a
 * {@link dev.switchboard.policy.limits.Reservation}: granted, with a {@link dev.switchboard.policy.limits.Ticket} to
 * settle with the real usage when the response ends, or refused, with the 429 to send. Which limits apply to a
 * request is decided in one place, {@link dev.switchboard.policy.limits.LimitResolver}; the arithmetic in another
 * ({@code LimitMath}), which the Redis store's Lua scripts mirror. Non-null by default.
 */
package dev.switchboard.policy.limits;
