package dev.switchboard.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Polls one HTTP page (a model server's {@code /metrics}) on an event loop over a kept-alive connection, every
 * interval (with jitter so endpoints are not polled in lockstep), and hands each 200 page's bytes on. A failed or
 * slow scrape just misses its turn: the caller sees no page, and the endpoint's last metrics age until stale.
 */
public final class HttpPoller implements AutoCloseable {
    /*
     * One scrape at a time: a tick that finds the previous scrape still in flight skips its turn. Each scrape arms
     * its own timeout, which is cancelled when its page (or its failure) arrives and which checks, when it fires,
     * that the scrape in flight is still the one that armed it; so a page slower than the interval but faster than
     * the timeout keeps its connection, and only a scrape that really hangs has its connection closed (an HTTP/1.1
     * response cannot be abandoned on a connection that stays open). Handlers of a connection that was replaced
     * leave the scraper's state alone. Concurrency: everything but close() runs on the scraper's event loop.
     */

    /** Longest page accepted. */
    static final int MAX_PAGE_BYTES = 4 << 20;
    /** Shortest scrape timeout, in nanoseconds: a page slower than this counts as hung (its connection is closed). */
    static final long MIN_TIMEOUT_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** Scrape timeout in scrape intervals, when that is longer than {@link #MIN_TIMEOUT_NANOS}. */
    static final int TIMEOUT_INTERVALS = 10;

    private final EventLoop loop;
    private final Transport transport;
    private final String host;
    private final int port;
    private final String path;
    private final long intervalNanos;
    private final long timeoutNanos;
    private final Consumer<byte[]> onPage;
    private Channel channel;
    private boolean inFlight;
    /** Numbers the scrapes, so a timeout can tell whether the scrape it was armed for is the one in flight. */
    private long scrape;
    private ScheduledFuture<?> timeout;
    private volatile boolean closed;

    private HttpPoller(EventLoop loop, Transport transport, String host, int port, String path, long intervalNanos,
            Consumer<byte[]> onPage) {
        this.loop = loop;
        this.transport = transport;
        this.host = host;
        this.port = port;
        this.path = path;
        this.intervalNanos = intervalNanos;
        this.timeoutNanos = Math.max(intervalNanos * TIMEOUT_INTERVALS, MIN_TIMEOUT_NANOS);
        this.onPage = onPage;
    }

    /**
     * Starts polling {@code http://host:port/path} on {@code loop} every {@code intervalNanos}; {@code onPage} gets
     * each 200 page, on the loop. Closing the poller stops it and closes its connection.
     */
    public static HttpPoller start(EventLoop loop, Transport transport, String host, int port, String path,
            long intervalNanos, Consumer<byte[]> onPage) {
        HttpPoller p = new HttpPoller(loop, transport, host, port, path, intervalNanos, onPage);
        loop.execute(p::tick);
        return p;
    }

    @Override
    public void close() {
        closed = true;
        loop.execute(this::drop);
    }

    private void tick() {
        if (closed) {
            return;
        }
        if (!inFlight) {
            scrape();
        }
        long jitter = (long) (intervalNanos * 0.2 * (ThreadLocalRandom.current().nextDouble() - 0.5));
        loop.schedule(this::tick, intervalNanos + jitter, TimeUnit.NANOSECONDS);
    }

    private void scrape() {
        inFlight = true;
        if (channel != null && channel.isActive()) {
            send();
            return;
        }
        new Bootstrap().group(loop).channel(transport.clientChannel())
                .resolver(transport.resolver()) // an endpoint may be a host name: never the JDK's blocking lookup
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 1000)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_PAGE_BYTES), new Page());
                    }
                })
                .connect(host, port).addListener((ChannelFuture f) -> {
                    if (f.isSuccess() && !closed) {
                        channel = f.channel();
                        send();
                    } else {
                        inFlight = false;
                        f.channel().close();
                    }
                });
    }

    private void send() {
        var req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
        req.headers().set(HttpHeaderNames.HOST, host + ":" + port);
        Channel ch = channel;
        long mine = ++scrape;
        timeout = loop.schedule(() -> {
            if (inFlight && scrape == mine) { // this scrape hangs: its connection cannot be reused
                drop();
            }
        }, timeoutNanos, TimeUnit.NANOSECONDS);
        ch.writeAndFlush(req).addListener(f -> {
            if (!f.isSuccess() && ch == channel) {
                drop();
            }
        });
    }

    /** Ends the scrape in flight and closes its connection; the next tick connects again. */
    private void drop() {
        ended();
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    /** The scrape in flight is over (answered, failed or timed out): the next tick may start another. */
    private void ended() {
        inFlight = false;
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    /** Receives a page; per connection. Events of a connection that is no longer the scraper's are ignored. */
    private final class Page extends SimpleChannelInboundHandler<FullHttpResponse> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse res) {
            if (ctx.channel() != channel) {
                return;
            }
            ended();
            if (res.status().code() == 200) {
                onPage.accept(ByteBufUtil.getBytes(res.content()));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (ctx.channel() == channel) {
                ended();
                channel = null;
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (ctx.channel() == channel) {
                drop();
            } else {
                ctx.close();
            }
        }
    }
}
