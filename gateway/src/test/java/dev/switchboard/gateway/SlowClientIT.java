package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.gateway.server.GatewayServer;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.engine.EngineConfig;
import dev.switchboard.sim.server.SimServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A client that stops reading must slow the upstream read, not grow the gateway's buffers. */
class SlowClientIT {
    /**
     * ~190 bytes a token: ~15 MB of stream, well beyond what the kernel's socket buffers can absorb (tcp_wmem's
     * maximum is 4 MB by default), so without backpressure it would pile up in the gateway.
     */
    static final int TOKENS = 80_000;

    @Test
    void memoryStaysBoundedWhileTheClientDoesNotReadAndTheStreamStillCompletes() throws Exception {
        try (SimServer sims = SimServer.start(SimConfig.defaults().withEndpoints(0, 1)
                .withEngine(EngineConfig.defaults().withTimeScale(0).withLimits(256, 2048, 1024, 1, 100_000)));
                GatewayServer gw = GatewayServer.start(ConfigLoader.parse(
                        ConfigReloadIT.config("sim", sims.addresses().get(0).getPort()), "slow.yaml"), 1);
                Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", gw.port()));
            String body = "{\"model\":\"any\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"go\"}],"
                    + "\"max_tokens\":" + TOKENS + ",\"ignore_eos\":true}";
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nhost: gw\r\ncontent-type: application/json\r\n"
                    + "connection: close\r\ncontent-length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();

            // The simulator produces the whole stream in a second or two at time scale 0.
            long maxPending = 0;
            for (int i = 0; i < 60; i++) {
                Thread.sleep(50);
                maxPending = Math.max(maxPending, gw.pendingClientBytes());
            }
            assertThat(maxPending).as("bytes queued for the stalled client").isLessThan(1024 * 1024); // 0.3 MB seen; 2.4 MB with backpressure removed

            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String raw = all.toString(StandardCharsets.UTF_8);
            assertThat(raw).startsWith("HTTP/1.1 200");
            String text = RawHttp.dechunk(raw.substring(raw.indexOf("\r\n\r\n") + 4));
            assertThat(text).endsWith("data: [DONE]\n\n");
            int chunks = text.split("\"delta\":\\{\"content\":\"", -1).length - 1;
            assertThat(chunks).isEqualTo(TOKENS);
        }
    }
}
