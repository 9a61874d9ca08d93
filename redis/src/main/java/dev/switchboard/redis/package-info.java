/**
 * The shared store for limits and keys: {@link dev.switchboard.redis.RedisRateLimiter}, a
 * {@link dev.switchboard.policy.limits.RateLimiter} on Redis, and {@link dev.switchboard.redis.RedisKeyStore} (with
 * its writer, {@link dev.switchboard.redis.RedisKeyWriter}), the virtual keys replicas share. Lettuce (and so Netty)
 * lives here, not in {@code policy}. Non-null by default.
 */
package dev.switchboard.redis;
