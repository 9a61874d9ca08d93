package dev.switchboard.extproc.bench;

import dev.switchboard.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Many model-server endpoints' {@code /metrics} pages and nothing else, one loopback port each, on one event loop:
 * what a picker scrapes in a benchmark of the picker alone. Each endpoint's load (waiting, running, KV use) is
 * drawn anew for every page, so the picker has differing, moving loads to score without any model server running.
 */
final class MetricsFarm implements AutoCloseable {
    private final EventLoopGroup group;
    private final List<Channel> channels = new ArrayList<>();

    private MetricsFarm(EventLoopGroup group) {
        this.group = group;
    }

    /** Starts {@code endpoints} pages on free loopback ports. */
    static MetricsFarm start(Transport transport, int endpoints) throws InterruptedException {
        MetricsFarm farm = new MetricsFarm(transport.newGroup(1, "metrics-farm"));
        ServerBootstrap b = new ServerBootstrap().group(farm.group).channel(transport.serverChannel())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(4096), new Page());
                    }
                });
        for (int i = 0; i < endpoints; i++) {
            farm.channels.add(b.bind("127.0.0.1", 0).sync().channel());
        }
        return farm;
    }

    /** The endpoints' ports, in start order. */
    List<Integer> ports() {
        List<Integer> out = new ArrayList<>(channels.size());
        for (Channel c : channels) {
            out.add(((InetSocketAddress) c.localAddress()).getPort());
        }
        return out;
    }

    @Override
    public void close() {
        channels.forEach(Channel::close);
        group.shutdownGracefully().awaitUninterruptibly();
    }

    private static final class Page extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final SplittableRandom random = new SplittableRandom();

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            int port = ((InetSocketAddress) ctx.channel().localAddress()).getPort();
            // each endpoint has its own typical load, jittered per scrape: some busy, some idle
            int base = port % 7;
            String page = """
                    vllm:num_requests_waiting{model_name="m"} %d
                    vllm:num_requests_running{model_name="m"} %d
                    vllm:kv_cache_usage_perc{model_name="m"} %.3f
                    """.formatted(Math.max(0, base - 2 + random.nextInt(3)), 4 + base + random.nextInt(4),
                    Math.min(0.95, 0.1 * base + random.nextDouble() * 0.1));
            var res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.copiedBuffer(page, StandardCharsets.US_ASCII));
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4");
            HttpUtil.setContentLength(res, res.content().readableBytes());
            ctx.writeAndFlush(res);
        }
    }
}
