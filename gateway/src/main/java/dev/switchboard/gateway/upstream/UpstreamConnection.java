package dev.switchboard.gateway.upstream;

import dev.switchboard.core.config.Upstream;
import io.netty.channel.Channel;

/**
 * A connection to one upstream (or an HTTP/2 stream on one), lent to one exchange at a time by {@link UpstreamPool}.
 * Reads are manual
 * ({@code AUTO_READ} off): the exchange asks for the next read when the client can take more.
 */
public final class UpstreamConnection {
    private final Channel channel;
    private final Upstream upstream;
    private final UpstreamHandler handler;
    private final boolean stream;
    /** When this connection was last put back idle ({@link System#nanoTime}); its loop's {@link LoopConnections} only. */
    long idleSince;

    UpstreamConnection(Channel channel, Upstream upstream, UpstreamHandler handler, boolean stream) {
        this.channel = channel;
        this.upstream = upstream;
        this.handler = handler;
        this.stream = stream;
    }

    /** Whether this is an HTTP/2 stream on a shared connection (closed after one exchange), not a connection. */
    public boolean stream() {
        return stream;
    }

    public Channel channel() {
        return channel;
    }

    public Upstream upstream() {
        return upstream;
    }

    /** Routes this connection's response parts to {@code listener} until {@link #detach}. */
    public void attach(UpstreamListener listener) {
        handler.attach(listener);
    }

    void detach() {
        handler.detach();
    }
}
