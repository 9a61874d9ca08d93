package dev.switchboard.gateway.crosscheck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.picker.datalayer.EngineType;
import dev.switchboard.picker.datalayer.MetricsExtractor;
import dev.switchboard.picker.datalayer.ModelServerMetrics;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.engine.EngineConfig;
import dev.switchboard.sim.server.SimServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The extractor on a real model server's page: the simulator's, over loopback. */
class MetricsExtractorIT {

    @Test
    void readsTheSimulatorsRealPage() throws Exception {
        try (SimServer sim = SimServer.start(SimConfig.defaults().withEndpoints(0, 1).withModel(SimConfig.DEFAULT_MODEL,
                List.of("lora-x")).withEngine(EngineConfig.defaults().withTimeScale(0)))) {
            byte[] page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + sim.addresses().get(0).getPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofByteArray()).body();
            ModelServerMetrics m = new MetricsExtractor(EngineType.VLLM).extract(page, 0, page.length);
            assertThat(m.waiting()).isZero();
            assertThat(m.running()).isZero();
            assertThat(m.kvCacheUsage()).isZero();
            assertThat(m.blockSize()).isEqualTo(16);
            assertThat(m.kvBlocks()).isEqualTo(26_880);
            assertThat(m.maxLoras()).isEqualTo(1);
        }
    }
}
