package dev.switchboard.gateway.upstream;

import dev.switchboard.core.config.Upstream;
import dev.switchboard.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.resolver.AddressResolver;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One event loop's upstream connections, for {@link UpstreamPool}: the idle HTTP/1.1 ones and the shared HTTP/2 one
 * of each upstream, and the TLS connects whose protocol is not known yet; and their eviction (the design note is
 * {@link UpstreamPool}'s). Touched only by its loop.
 */
final class LoopConnections {
    /** Sweeps per idle timeout: an expired connection stays open at most a quarter of the timeout longer. */
    static final int SWEEPS_PER_TIMEOUT = 4;
    /** Shortest time between sweeps, in nanoseconds (for very short idle timeouts). */
    static final long MIN_SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final long idleTimeoutNanos;
    private final Map<Upstream, ArrayDeque<UpstreamConnection>> idle = new HashMap<>();
    private final Map<Upstream, SharedConnection> http2 = new HashMap<>();
    /** TLS connections whose protocol is still being negotiated: later acquires wait for them. */
    final Map<Upstream, Promise<Void>> negotiating = new HashMap<>();
    private AddressResolver<InetSocketAddress> resolver;
    private boolean sweepScheduled;

    LoopConnections(long idleTimeoutNanos) {
        this.idleTimeoutNanos = idleTimeoutNanos;
    }

    /** This loop's DNS resolver, kept so a connect does not ask the transport's group (which locks) for it. */
    AddressResolver<InetSocketAddress> resolver(EventLoop loop, Transport transport) {
        if (resolver == null) {
            resolver = transport.resolver().getResolver(loop);
        }
        return resolver;
    }

    /** The newest open idle connection to {@code u} younger than the idle timeout, or null; closes those passed. */
    UpstreamConnection pollIdle(Upstream u) {
        ArrayDeque<UpstreamConnection> set = idle.get(u);
        if (set == null || set.isEmpty()) {
            return null;
        }
        long now = System.nanoTime();
        UpstreamConnection c;
        while ((c = set.pollLast()) != null) {
            if (c.channel().isActive() && now - c.idleSince < idleTimeoutNanos) {
                return c;
            }
            c.channel().close();
        }
        return null;
    }

    /** Keeps {@code c} for reuse; false when its upstream has {@code max} idle already (the caller closes it). */
    boolean offerIdle(UpstreamConnection c, int max) {
        ArrayDeque<UpstreamConnection> set = idle.computeIfAbsent(c.upstream(), u -> new ArrayDeque<>());
        if (set.size() >= max) {
            return false;
        }
        c.idleSince = System.nanoTime();
        set.addLast(c);
        sweepLater(c.channel().eventLoop());
        return true;
    }

    /** {@code c}, a connection this loop made, closed: it must not stay idle. Once per connection. */
    void closed(UpstreamConnection c) {
        ArrayDeque<UpstreamConnection> set = idle.get(c.upstream());
        if (set != null) {
            set.remove(c);
        }
    }

    /** The open shared HTTP/2 connection to {@code u}, or null. */
    SharedConnection shared(Upstream u) {
        SharedConnection s = http2.get(u);
        if (s != null && !s.channel.isActive()) {
            http2.remove(u);
            return null;
        }
        return s;
    }

    /** Makes {@code parent}, just negotiated to HTTP/2, the connection to {@code u} that this loop's streams share. */
    SharedConnection share(Upstream u, Channel parent) {
        SharedConnection s = new SharedConnection(parent);
        http2.put(u, s);
        parent.closeFuture().addListener(f -> http2.remove(u, s));
        sweepLater(parent.eventLoop());
        return s;
    }

    private void sweepLater(EventLoop loop) {
        if (!sweepScheduled) {
            sweepScheduled = true;
            long period = Math.max(MIN_SWEEP_NANOS, idleTimeoutNanos / SWEEPS_PER_TIMEOUT);
            loop.schedule(() -> sweep(loop), period, TimeUnit.NANOSECONDS);
        }
    }

    private void sweep(EventLoop loop) {
        sweepScheduled = false;
        long now = System.nanoTime();
        for (Iterator<ArrayDeque<UpstreamConnection>> it = idle.values().iterator(); it.hasNext(); ) {
            ArrayDeque<UpstreamConnection> set = it.next();
            while (!set.isEmpty() && now - set.peekFirst().idleSince >= idleTimeoutNanos) {
                set.pollFirst().channel().close(); // its close listener finds it gone already
            }
            if (set.isEmpty()) {
                it.remove();
            }
        }
        for (Iterator<SharedConnection> it = http2.values().iterator(); it.hasNext(); ) {
            SharedConnection s = it.next();
            if (s.idleLongerThan(idleTimeoutNanos, now)) {
                it.remove();
                s.channel.close();
            }
        }
        if (!idle.isEmpty() || !http2.isEmpty()) {
            sweepLater(loop);
        }
    }

    /** What this loop holds, for tests. */
    UpstreamPool.LoopSizes sizes() {
        int connections = 0;
        for (ArrayDeque<UpstreamConnection> set : idle.values()) {
            connections += set.size();
        }
        return new UpstreamPool.LoopSizes(idle.size(), connections, http2.size(), negotiating.size());
    }

    /** An HTTP/2 connection that one loop's streams share, and how many of them are open. */
    static final class SharedConnection implements ChannelFutureListener {
        final Channel channel;
        private int streams;
        private long idleSince = System.nanoTime();

        SharedConnection(Channel channel) {
            this.channel = channel;
        }

        /** A stream is being opened; it must be closed by {@link #streamClosed} or by listening to its close. */
        void streamOpening() {
            streams++;
        }

        void streamClosed() {
            if (--streams == 0) {
                idleSince = System.nanoTime();
            }
        }

        /** A stream channel closed (this listens to each stream's close future: no allocation per stream). */
        @Override
        public void operationComplete(ChannelFuture future) {
            streamClosed();
        }

        boolean idleLongerThan(long nanos, long now) {
            return streams == 0 && now - idleSince >= nanos;
        }
    }
}
