/**
 * The shared store for limits: {@link dev.switchboard.redis.RedisRateLimiter}, a
 * {@link dev.switchboard.policy.limits.RateLimiter} on Redis. Lettuce (and so Netty) lives here, not in
 * {@code policy}. Non-null by default.
 */
package dev.switchboard.redis;
