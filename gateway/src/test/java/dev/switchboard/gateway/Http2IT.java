package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.gateway.server.GatewayServer;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.engine.EngineConfig;
import dev.switchboard.sim.server.SimServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Cleartext HTTP/2 (h2c), by prior knowledge and by upgrade, many streams on one connection. */
class Http2IT {
    static SimServer sims;
    static GatewayServer gateway;

    @BeforeAll
    static void start() throws Exception {
        sims = SimServer.start(SimConfig.defaults().withEndpoints(0, 1).withEngine(EngineConfig.defaults().withTimeScale(0)));
        gateway = GatewayServer.start(ConfigLoader.parse(ConfigReloadIT.config("sim", sims.addresses().get(0).getPort()),
                "h2.yaml"), 1);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        sims.close();
    }

    static String body(boolean stream) {
        return "{\"model\":\"any\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":4,\"ignore_eos\":true}";
    }

    @Test
    void priorKnowledgeCarriesManyConcurrentStreamsIncludingSse() throws Exception {
        OkHttpClient client = new OkHttpClient.Builder().protocols(List.of(Protocol.H2_PRIOR_KNOWLEDGE))
                .callTimeout(Duration.ofSeconds(20)).build();
        try {
            List<CompletableFuture<String>> calls = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                boolean stream = i % 2 == 0;
                calls.add(CompletableFuture.supplyAsync(() -> {
                    Request req = new Request.Builder().url("http://127.0.0.1:" + gateway.port() + "/v1/chat/completions")
                            .post(RequestBody.create(body(stream), MediaType.get("application/json"))).build();
                    try (Response r = client.newCall(req).execute()) {
                        assertThat(r.protocol()).isEqualTo(Protocol.H2_PRIOR_KNOWLEDGE);
                        assertThat(r.code()).isEqualTo(200);
                        return r.body().string();
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            for (int i = 0; i < calls.size(); i++) {
                String b = calls.get(i).get();
                if (i % 2 == 0) {
                    assertThat(b).startsWith("data: {").endsWith("data: [DONE]\n\n");
                } else {
                    assertThat(b).contains("\"completion_tokens\":4");
                }
            }
            assertThat(client.connectionPool().connectionCount()).isEqualTo(1);
        } finally {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }

    @Test
    void anUpgradeToH2cIsAccepted() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/v1/models")).build();
        HttpResponse<String> first = http.send(get, HttpResponse.BodyHandlers.ofString());
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.version()).isEqualTo(HttpClient.Version.HTTP_2);
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
                + "/v1/chat/completions")).POST(HttpRequest.BodyPublishers.ofString(body(false))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(post.version()).isEqualTo(HttpClient.Version.HTTP_2);
    }

    @Test
    void errorsTheGatewayMakesWorkOnHttp2Too() throws Exception {
        OkHttpClient client = new OkHttpClient.Builder().protocols(List.of(Protocol.H2_PRIOR_KNOWLEDGE)).build();
        try {
            Request req = new Request.Builder().url("http://127.0.0.1:" + gateway.port() + "/v1/chat/completions")
                    .post(RequestBody.create("{\"messages\":[]}", MediaType.get("application/json"))).build();
            try (Response r = client.newCall(req).execute()) {
                assertThat(r.code()).isEqualTo(400);
                assertThat(r.body().string()).contains("'model' is missing");
            }
        } finally {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }
}
