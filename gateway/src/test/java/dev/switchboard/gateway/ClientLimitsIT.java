package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.gateway.server.GatewayServer;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.engine.EngineConfig;
import dev.switchboard.sim.server.SimServer;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a client connection may hold and for how long: idle and slow clients are cut off, and request bodies stay
 * within the gateway's buffer budgets however they arrive.
 */
class ClientLimitsIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static SimServer sims;

    @BeforeAll
    static void start() throws Exception {
        sims = SimServer.start(SimConfig.defaults().withEndpoints(0, 1).withEngine(EngineConfig.defaults().withTimeScale(0)));
    }

    @AfterAll
    static void stop() {
        sims.close();
    }

    /** The one-route config with these Gateway spec fields added. */
    static GatewayServer gateway(String gatewayFields) throws Exception {
        String yaml = TestConfigs.of(TestConfigs.gateway(gatewayFields),
                TestConfigs.route("  - backendRefs: [{name: sim, modelNameOverride: " + SimConfig.DEFAULT_MODEL + "}]"),
                TestConfigs.backend("sim", sims.addresses().get(0).getPort()));
        return GatewayServer.start(ConfigLoader.parse(yaml, "limits.yaml"), 1);
    }

    /** A chat request body of about {@code bytes} bytes. */
    static String body(int bytes) {
        String head = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":1,\"pad\":\"";
        return head + "x".repeat(Math.max(0, bytes - head.length() - 2)) + "\"}";
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAfterTheIdleTimeout() throws Exception {
        try (GatewayServer gw = gateway("clientIdleTimeout: 300ms"); RawHttp c = new RawHttp(gw.port(), 10_000)) {
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void aKeepAliveConnectionIsClosedOnceIdleAfterItsLastResponse() throws Exception {
        try (GatewayServer gw = gateway("clientIdleTimeout: 300ms"); RawHttp c = new RawHttp(gw.port(), 10_000)) {
            c.send(RawHttp.post("/v1/chat/completions", body(100)));
            assertThat(c.read().status()).isEqualTo(200);
            c.send(RawHttp.post("/v1/chat/completions", body(100))); // still open right after a response
            assertThat(c.read().status()).isEqualTo(200);
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void aRequestHeadTrickledByteByByteIsCutOffAtTheIdleTimeout() throws Exception {
        try (GatewayServer gw = gateway("clientIdleTimeout: 500ms"); RawHttp c = new RawHttp(gw.port(), 10_000)) {
            c.send("POST /v1/chat/completions HTTP/1.1\r\nhost: gw\r\n");
            CompletableFuture<Void> trickle = CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < 100; i++) {
                        c.send("x");
                        Thread.sleep(100);
                    }
                } catch (IOException | InterruptedException e) {
                    // closed by the gateway
                }
            });
            assertThat(c.closedByServer()).isTrue();
            trickle.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aBodyTrickledPastTheRequestReceivedTimeoutIsAnswered408() throws Exception {
        try (GatewayServer gw = gateway("requestReceivedTimeout: 800ms"); RawHttp c = new RawHttp(gw.port(), 10_000)) {
            c.send(RawHttp.post("/v1/chat/completions", body(1000)).substring(0, 200));
            CompletableFuture<Void> trickle = CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < 50; i++) {
                        Thread.sleep(100);
                        c.send("x");
                    }
                } catch (IOException | InterruptedException e) {
                    // closed by the gateway
                }
            });
            RawHttp.Response r = c.read();
            assertThat(r.status()).isEqualTo(408);
            assertThat(JSON.readTree(r.body()).path("error").path("code").asText()).isEqualTo("request_timeout");
            assertThat(r.header("connection")).isEqualTo("close");
            assertThat(c.closedByServer()).isTrue();
            trickle.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aResponseLongerThanTheIdleTimeoutIsNotCutByIt() throws Exception {
        String script = "{\"sse\":[{\"data\":\"a\"},{\"data\":\"b\"},{\"data\":\"c\"},{\"data\":\"d\"}],\"delayMs\":300}";
        try (GatewayServer gw = gateway("clientIdleTimeout: 400ms, requestReceivedTimeout: 400ms");
                RawHttp c = new RawHttp(gw.port(), 10_000)) {
            c.send(RawHttp.post("/v1/chat/completions", "{\"model\":\"m\",\"stream\":true}", "x-sim-script: " + script));
            RawHttp.Response r = c.read();
            assertThat(r.body()).isEqualTo("data: a\n\ndata: b\n\ndata: c\n\ndata: d\n\n");
        }
    }

    @Test
    void anIdleHttp2ConnectionGetsGoAwayAndIsClosed() throws Exception {
        try (GatewayServer gw = gateway("clientIdleTimeout: 300ms"); Socket s = new Socket()) {
            s.setSoTimeout(10_000);
            s.connect(new InetSocketAddress("127.0.0.1", gw.port()));
            OutputStream out = s.getOutputStream();
            out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // an empty SETTINGS frame
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            boolean goAway = false;
            try {
                while (true) { // frames: 3-byte length, type, flags, 4-byte stream id, payload
                    int length = in.readUnsignedByte() << 16 | in.readUnsignedShort();
                    int type = in.readUnsignedByte();
                    in.skipNBytes(5 + length);
                    goAway |= type == 7;
                }
            } catch (EOFException closed) {
                // the gateway closed the connection
            }
            assertThat(goAway).isTrue();
        }
    }

    @Test
    void bodiesPastTheGatewaysBufferBudgetAreAnswered503AndTheOthersAreServed() throws Exception {
        try (GatewayServer gw = gateway("maxBufferedRequestBytes: 1Mi"); RawHttp a = new RawHttp(gw.port(), 10_000);
                RawHttp b = new RawHttp(gw.port(), 10_000)) {
            String big = RawHttp.post("/v1/chat/completions", body(600_000));
            a.send(big.substring(0, 550_000)); // held: 600,000 bytes of buffer (its declared length)
            Thread.sleep(200);
            b.send(big);
            RawHttp.Response refused = b.read();
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.header("retry-after")).isEqualTo("1");
            assertThat(JSON.readTree(refused.body()).path("error").path("message").asText())
                    .contains("holding as many request bodies as it may (1048576 bytes)");

            a.send(big.substring(550_000));
            assertThat(a.read().status()).isEqualTo(200);
            try (RawHttp again = new RawHttp(gw.port(), 10_000)) {
                assertThat(again.send(big).read().status()).as("once the first body is gone").isEqualTo(200);
            }
            assertThat(gw.context().requestBuffers().used()).isZero();
        }
    }

    @Test
    void oneHttp2ConnectionsStreamsShareItsBudgetAndOtherConnectionsKeepTheirs() throws Exception {
        try (GatewayServer gw = gateway("maxBufferedRequestBytes: 4Mi, maxBufferedRequestBytesPerConnection: 1Mi")) {
            String url = "http://127.0.0.1:" + gw.port() + "/v1/chat/completions";
            MediaType json = MediaType.get("application/json");
            byte[] big = body(600_000).getBytes(StandardCharsets.US_ASCII);
            CountDownLatch hold = new CountDownLatch(1);
            CountDownLatch halfSent = new CountDownLatch(1);
            RequestBody slow = new RequestBody() {
                @Override
                public MediaType contentType() {
                    return json;
                }

                @Override
                public long contentLength() {
                    return big.length;
                }

                @Override
                public void writeTo(BufferedSink sink) throws IOException {
                    sink.write(big, 0, 550_000).flush();
                    halfSent.countDown();
                    try {
                        hold.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                    sink.write(big, 550_000, big.length - 550_000);
                }
            };
            OkHttpClient one = h2Client();
            OkHttpClient other = h2Client();
            try {
                CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> status(one,
                        new Request.Builder().url(url).post(slow).build()));
                assertThat(halfSent.await(10, TimeUnit.SECONDS)).isTrue();
                Thread.sleep(300);
                Request full = new Request.Builder().url(url).post(RequestBody.create(big, json)).build();
                assertThat(status(one, full)).as("a second stream on the same connection").isEqualTo(503);
                assertThat(status(other, full)).as("another connection").isEqualTo(200);
                hold.countDown();
                assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(200);
            } finally {
                hold.countDown();
                for (OkHttpClient c : List.of(one, other)) {
                    c.dispatcher().executorService().shutdown();
                    c.connectionPool().evictAll();
                }
            }
        }
    }

    static OkHttpClient h2Client() {
        return new OkHttpClient.Builder().protocols(List.of(Protocol.H2_PRIOR_KNOWLEDGE))
                .callTimeout(Duration.ofSeconds(20)).retryOnConnectionFailure(false).build();
    }

    static int status(OkHttpClient client, Request request) {
        try (Response r = client.newCall(request).execute()) {
            return r.code();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aBodyInOneByteHttp2DataFramesIsProxiedWhole() throws Exception {
        String pad = "z".repeat(5_000);
        byte[] json = ("{\"model\":\"m\",\"messages\":[],\"pad\":\"" + pad + "\"}").getBytes(StandardCharsets.US_ASCII);
        RequestBody oneByteFrames = new RequestBody() {
            @Override
            public MediaType contentType() {
                return MediaType.get("application/json");
            }

            @Override
            public void writeTo(BufferedSink sink) throws IOException {
                for (byte b : json) {
                    sink.writeByte(b).flush(); // each flush is a DATA frame of one byte
                }
            }
        };
        String script = "{\"expect\":{\"body\":{\"pad\":\"" + pad + "\"}},\"body\":{\"ok\":true}}";
        try (GatewayServer gw = gateway("")) {
            OkHttpClient client = h2Client();
            try (Response r = client.newCall(new Request.Builder().url("http://127.0.0.1:" + gw.port()
                    + "/v1/chat/completions").header("x-sim-script", script).post(oneByteFrames).build()).execute()) {
                assertThat(r.code()).isEqualTo(200);
                assertThat(r.body().string()).isEqualTo("{\"ok\":true}");
            } finally {
                client.dispatcher().executorService().shutdown();
                client.connectionPool().evictAll();
            }
            assertThat(gw.context().requestBuffers().used()).isZero();
        }
    }

    @Test
    void aBodyInOneByteChunksIsProxiedWhole() throws Exception {
        String pad = "y".repeat(5_000); // the script repeats it in a header: the simulator takes 8 KiB of those
        String json = "{\"model\":\"m\",\"messages\":[],\"pad\":\"" + pad + "\"}";
        StringBuilder chunked = new StringBuilder(json.length() * 6);
        for (char ch : json.toCharArray()) {
            chunked.append("1\r\n").append(ch).append("\r\n");
        }
        chunked.append("0\r\n\r\n");
        String script = "{\"expect\":{\"body\":{\"pad\":\"" + pad + "\"}},\"body\":{\"ok\":true}}";
        try (GatewayServer gw = gateway("clientIdleTimeout: 60s"); RawHttp c = new RawHttp(gw.port(), 10_000)) {
            c.send("POST /v1/chat/completions HTTP/1.1\r\nhost: gw\r\ncontent-type: application/json\r\n"
                    + "transfer-encoding: chunked\r\nx-sim-script: " + script + "\r\n\r\n" + chunked);
            RawHttp.Response r = c.read();
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("{\"ok\":true}");
        }
    }
}
