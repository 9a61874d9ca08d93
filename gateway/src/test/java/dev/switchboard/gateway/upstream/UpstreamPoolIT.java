package dev.switchboard.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.core.config.Upstream;
import dev.switchboard.gateway.TestCertificates;
import dev.switchboard.gateway.TestConfigs;
import dev.switchboard.gateway.server.GatewayServer;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.engine.EngineConfig;
import dev.switchboard.sim.server.SimServer;
import dev.switchboard.transport.Transport;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The upstream pool on its own, over real sockets: idle connections and the per-loop maps over time. */
class UpstreamPoolIT {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration IDLE_TIMEOUT = Duration.ofMillis(300);

    final EventLoopGroup group = Transport.best().newGroup(1, "pool-test");
    final EventLoop loop = group.next();

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    static Upstream local(int port) {
        return new Upstream("127.0.0.1", port, null);
    }

    static FullHttpRequest get(Upstream u) {
        var req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        req.headers().set(HttpHeaderNames.HOST, u.authority());
        return req;
    }

    static FullHttpRequest chat(Upstream u) {
        byte[] body = ("{\"model\":\"" + SimConfig.DEFAULT_MODEL
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2}").getBytes(StandardCharsets.UTF_8);
        var req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/chat/completions",
                Unpooled.wrappedBuffer(body));
        req.headers().set(HttpHeaderNames.HOST, u.authority()).set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return req;
    }

    /** One exchange over a connection (or stream) of {@code pool}, as the proxy makes it; completes with the status. */
    CompletableFuture<Integer> exchange(UpstreamPool pool, Upstream u, FullHttpRequest request) {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        loop.execute(() -> pool.acquire(loop, u).addListener(f -> {
            if (!f.isSuccess()) {
                request.release();
                done.completeExceptionally(f.cause());
                return;
            }
            UpstreamConnection c = (UpstreamConnection) f.getNow();
            c.attach(new UpstreamListener() {
                int status;

                @Override
                public void onMessage(HttpObject message) {
                    if (message instanceof HttpResponse head) {
                        status = head.status().code();
                    }
                    boolean last = message instanceof LastHttpContent;
                    ReferenceCountUtil.release(message);
                    if (last) {
                        pool.release(c, true);
                        done.complete(status);
                    }
                }

                @Override
                public void onReadComplete() {
                    c.channel().read();
                }

                @Override
                public void onFailure(Throwable cause) {
                    pool.release(c, false);
                    done.completeExceptionally(cause != null ? cause : new ClosedChannelException());
                }
            });
            c.channel().writeAndFlush(request);
            c.channel().read();
        }));
        return done;
    }

    UpstreamPool.LoopSizes sizes(UpstreamPool pool) throws Exception {
        return loop.submit(pool::sizes).get(5, TimeUnit.SECONDS);
    }

    @Test
    void anIdleConnectionIsReusedWithinTheIdleTimeoutAndClosedAfterIt() throws Exception {
        UpstreamPool pool = new UpstreamPool(Transport.best(), CONNECT_TIMEOUT, IDLE_TIMEOUT);
        try (FakeKeepAliveServer server = new FakeKeepAliveServer()) {
            Upstream u = local(server.port());
            assertThat(exchange(pool, u, get(u)).get(5, TimeUnit.SECONDS)).isEqualTo(200);
            assertThat(exchange(pool, u, get(u)).get(5, TimeUnit.SECONDS)).isEqualTo(200);
            assertThat(server.accepted.get()).as("connections for two requests in a row").isEqualTo(1);

            await().atMost(Duration.ofSeconds(5)).until(() -> server.open.get() == 0); // closed by the pool
            assertThat(sizes(pool)).isEqualTo(new UpstreamPool.LoopSizes(0, 0, 0, 0));

            assertThat(exchange(pool, u, get(u)).get(5, TimeUnit.SECONDS)).isEqualTo(200);
            assertThat(server.accepted.get()).as("connections after the idle one was closed").isEqualTo(2);
        }
    }

    @Test
    void aConnectionTheServerClosedWhileIdleIsNeverHandedOut() throws Exception {
        UpstreamPool pool = new UpstreamPool(Transport.best(), CONNECT_TIMEOUT, Duration.ofMinutes(1));
        try (FakeKeepAliveServer server = new FakeKeepAliveServer()) {
            server.closeIdleAfterMillis = 100; // a model server with a shorter keep-alive than ours
            Upstream u = local(server.port());
            for (int i = 0; i < 3; i++) {
                assertThat(exchange(pool, u, get(u)).get(5, TimeUnit.SECONDS)).as("request " + i).isEqualTo(200);
                await().atMost(Duration.ofSeconds(5)).until(() -> server.open.get() == 0); // the server closed it
                await().atMost(Duration.ofSeconds(5)).until(() -> sizes(pool).idleConnections() == 0); // noticed
            }
            assertThat(server.accepted.get()).isEqualTo(3);
            assertThat(server.requests.get()).isEqualTo(3);
        }
    }

    @Test
    void theMapsForgetUpstreamsWhoseConnectionsWentIdle(@TempDir Path dir) throws Exception {
        // long enough to see what the maps hold before the sweep empties them, even on a busy machine
        UpstreamPool pool = new UpstreamPool(Transport.best(), CONNECT_TIMEOUT, Duration.ofSeconds(3));
        TestCertificates.Pair pair = TestCertificates.selfSigned(dir);
        List<FakeKeepAliveServer> servers = new ArrayList<>();
        try (SimServer sim = SimServer.start(SimConfig.defaults().withEndpoints(0, 1)
                .withEngine(EngineConfig.defaults().withTimeScale(0)));
                GatewayServer h2 = GatewayServer.start(ConfigLoader.parse(tlsGateway(sim.addresses().get(0).getPort(),
                        pair), "h2.yaml"), 1)) {
            Upstream refused = new Upstream("127.0.0.1", closedPort(), new Upstream.Tls(null, true, null));
            assertThat(exchange(pool, refused, get(refused))).failsWithin(Duration.ofSeconds(10));
            Upstream tls = new Upstream("127.0.0.1", h2.port(), new Upstream.Tls(null, true, null));
            assertThat(exchange(pool, tls, chat(tls)).get(10, TimeUnit.SECONDS)).isEqualTo(200);
            for (int i = 0; i < 5; i++) { // upstreams that are used once, then leave the configuration
                FakeKeepAliveServer s = new FakeKeepAliveServer();
                servers.add(s);
                Upstream u = local(s.port());
                assertThat(exchange(pool, u, get(u)).get(5, TimeUnit.SECONDS)).isEqualTo(200);
            }
            assertThat(sizes(pool)).isEqualTo(new UpstreamPool.LoopSizes(5, 5, 1, 0));

            await().atMost(Duration.ofSeconds(10)).until(() -> sizes(pool).equals(new UpstreamPool.LoopSizes(0, 0, 0, 0)));
            assertThat(servers).allSatisfy(s -> assertThat(s.open.get()).isZero());
            await().atMost(Duration.ofSeconds(5)).until(() -> h2.openClientConnections() == 0);
        } finally {
            for (FakeKeepAliveServer s : servers) {
                s.close();
            }
        }
    }

    static int closedPort() throws Exception {
        try (var s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A gateway that serves HTTPS (h2 by ALPN) in front of the simulator at {@code simPort}. */
    static String tlsGateway(int simPort, TestCertificates.Pair pair) {
        return TestConfigs.of(TestConfigs.gateway("accessLog: false, tls: {certFile: %s, keyFile: %s}"
                .formatted(pair.cert(), pair.key())), TestConfigs.route("  - backendRefs: [{name: sim}]"),
                TestConfigs.backend("sim", simPort));
    }
}
