package dev.switchboard.redis.share;

import io.lettuce.core.RedisURI;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

/**
 * Where replicas share pool state: {@code redis://host:port[/keyPrefix]} ({@code rediss://} for TLS), the value of
 * {@code --share-state}. The key prefix names the channel ({@code <prefix>:pool-state}, default prefix
 * {@code switchboard}), so several gateways can share one Redis without hearing each other. A password, when Redis
 * wants one, comes from the variable {@value #PASSWORD_ENV}, never from the command line (where {@code ps} shows it).
 *
 * @param host      Redis's host
 * @param port      its port (6379 when not given)
 * @param tls       whether to speak TLS
 * @param keyPrefix the channel's prefix
 */
public record ShareUri(String host, int port, boolean tls, String keyPrefix) {
    /** The variable a password is read from. */
    public static final String PASSWORD_ENV = "SWITCHBOARD_SHARE_STATE_PASSWORD";
    /** The prefix when the URI has no path. */
    public static final String DEFAULT_PREFIX = "switchboard";
    /** How long a connection attempt may take (a command is never waited for: publishing is fire and forget). */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);

    /** @throws IllegalArgumentException with a message for the command line when {@code text} is no such URI */
    public static ShareUri parse(String text) {
        URI u;
        try {
            u = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--share-state: not a URI: " + e.getMessage());
        }
        String scheme = u.getScheme();
        if (!"redis".equals(scheme) && !"rediss".equals(scheme) || u.getHost() == null) {
            throw new IllegalArgumentException("--share-state: expected redis://host:port[/keyPrefix], got " + text);
        }
        if (u.getUserInfo() != null || u.getQuery() != null) {
            throw new IllegalArgumentException("--share-state: no user, password or query in the URI (set "
                    + PASSWORD_ENV + " for a password)");
        }
        String path = u.getPath() == null ? "" : u.getPath().replaceAll("^/+|/+$", "");
        return new ShareUri(u.getHost(), u.getPort() < 0 ? 6379 : u.getPort(), "rediss".equals(scheme),
                path.isEmpty() ? DEFAULT_PREFIX : path);
    }

    /** The pub/sub channel the replicas talk on. */
    public String channel() {
        return keyPrefix + ":pool-state";
    }

    /** As Lettuce connects to it; {@code password} may be null. */
    RedisURI redisUri(String password) {
        RedisURI.Builder b = RedisURI.builder().withHost(host).withPort(port).withSsl(tls).withTimeout(CONNECT_TIMEOUT);
        if (password != null && !password.isEmpty()) {
            b.withPassword(password.toCharArray());
        }
        return b.build();
    }

    @Override
    public String toString() {
        return (tls ? "rediss://" : "redis://") + host + ":" + port + "/" + keyPrefix;
    }
}
