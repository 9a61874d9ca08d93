/**
 * Shared pool state over Redis pub/sub: {@link dev.switchboard.redis.share.RedisSharedState}, the
 * {@link dev.switchboard.picker.pool.SharedPoolState} that lets several gateway or ext_proc replicas in front of the
 * same InferencePools pick as one (prefix blocks and in-flight counts), with its wire format
 * ({@code StateCodec}), its view of the peers ({@code PeerLoads}) and its outbound queue ({@code Outbox}).
 * Non-null by default.
 */
package dev.switchboard.redis.share;
