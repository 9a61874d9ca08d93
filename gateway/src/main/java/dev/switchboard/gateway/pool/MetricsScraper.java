package dev.switchboard.gateway.pool;

import dev.switchboard.picker.datalayer.MetricsExtractor;
import dev.switchboard.picker.datalayer.ModelServerMetrics;
import dev.switchboard.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Polls one endpoint's {@code /metrics} on an event loop over a kept-alive connection, every interval (with
 * jitter so endpoints are not polled in lockstep), and hands each parsed result on. A failed or slow scrape just
 * misses its turn: the endpoint's last metrics age until they count as stale.
 */
final class MetricsScraper {
    /** Longest page accepted. */
    static final int MAX_PAGE_BYTES = 4 << 20;

    private final EventLoop loop;
    private final Transport transport;
    private final String host;
    private final int port;
    private final long intervalNanos;
    private final MetricsExtractor extractor;
    private final Consumer<ModelServerMetrics> onMetrics;
    private Channel channel;
    private boolean inFlight;
    private volatile boolean closed;

    MetricsScraper(EventLoop loop, Transport transport, String host, int port, long intervalNanos,
            MetricsExtractor extractor, Consumer<ModelServerMetrics> onMetrics) {
        this.loop = loop;
        this.transport = transport;
        this.host = host;
        this.port = port;
        this.intervalNanos = intervalNanos;
        this.extractor = extractor;
        this.onMetrics = onMetrics;
    }

    void start() {
        loop.execute(this::tick);
    }

    void close() {
        closed = true;
        loop.execute(() -> {
            if (channel != null) {
                channel.close();
            }
        });
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
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 1000)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_PAGE_BYTES), new Page());
                    }
                })
                .connect(host, port).addListener(f -> {
                    if (f.isSuccess()) {
                        channel = ((io.netty.channel.ChannelFuture) f).channel();
                        send();
                    } else {
                        inFlight = false;
                    }
                });
    }

    private void send() {
        var req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/metrics");
        req.headers().set(HttpHeaderNames.HOST, host + ":" + port);
        channel.writeAndFlush(req).addListener(f -> {
            if (!f.isSuccess()) {
                inFlight = false;
                channel.close();
            }
        });
        // a scrape that never answers frees its turn at the next tick's check via the close below
        loop.schedule(() -> {
            if (inFlight && channel != null) {
                channel.close();
                inFlight = false;
            }
        }, Math.max(intervalNanos * 10, TimeUnit.MILLISECONDS.toNanos(500)), TimeUnit.NANOSECONDS);
    }

    /** Receives a page; per connection. */
    private final class Page extends SimpleChannelInboundHandler<FullHttpResponse> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse res) {
            inFlight = false;
            if (res.status().code() == 200) {
                byte[] page = ByteBufUtil.getBytes(res.content());
                onMetrics.accept(extractor.extract(page, 0, page.length));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            inFlight = false;
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            inFlight = false;
            ctx.close();
        }
    }
}
