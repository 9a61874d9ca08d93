package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.picker.pool.InferencePool;
import dev.switchboard.gateway.server.GatewayServer;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.engine.EngineConfig;
import dev.switchboard.sim.server.SimServer;
import dev.switchboard.transport.Transport;
import io.netty.handler.codec.dns.DnsRecordType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Upstreams and pool endpoints named by host: looked up by the gateway's own DNS client, never on a blocked loop. */
class DnsIT {
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final String SLOW_HOST = "slow.switchboard.test";
    static final String POOL_HOST = "pool.switchboard.test";

    static SimServer sim() throws Exception {
        return SimServer.start(SimConfig.defaults().withEndpoints(0, 1).withEngine(EngineConfig.defaults().withTimeScale(0)));
    }

    static HttpRequest chat(GatewayServer gw, String backend) {
        String body = "{\"model\":\"" + SimConfig.DEFAULT_MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"max_tokens\":2}";
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.port() + "/v1/chat/completions"))
                .header("x-test-backend", backend).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    @Test
    void aSlowAnswerForOneBackendsNameDoesNotStallAnotherRequestOnTheSameEventLoop() throws Exception {
        try (FakeDnsServer dns = FakeDnsServer.start(); SimServer sim = sim()) {
            int port = sim.addresses().get(0).getPort();
            dns.add(SLOW_HOST, "127.0.0.1").hold(SLOW_HOST);
            String yaml = TestConfigs.of(TestConfigs.gateway("accessLog: false"), TestConfigs.route("""
                      - matches: [{headers: [{name: x-test-backend, value: slow}]}]
                        backendRefs: [{name: slow}]
                      - backendRefs: [{name: fast}]
                    """), TestConfigs.backend("slow", SLOW_HOST, port), TestConfigs.backend("fast", port));
            Transport transport = Transport.best().withNameServers(List.of(dns.address()));
            try (GatewayServer gw = GatewayServer.start(ConfigLoader.parse(yaml, "dns.yaml"), 1, transport)) {
                CompletableFuture<HttpResponse<String>> slow = HTTP.sendAsync(chat(gw, "slow"),
                        HttpResponse.BodyHandlers.ofString());
                await().atMost(Duration.ofSeconds(10)).until(() -> dns.queries(SLOW_HOST, DnsRecordType.A) > 0);

                HttpResponse<String> fast = HTTP.send(chat(gw, "fast"), HttpResponse.BodyHandlers.ofString());
                assertThat(fast.statusCode()).as(fast.body()).isEqualTo(200);
                assertThat(slow).as("the request whose upstream's name is not answered yet").isNotDone();

                dns.release(SLOW_HOST);
                HttpResponse<String> answered = slow.get(10, TimeUnit.SECONDS);
                assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
            }
        }
    }

    @Test
    void aPoolEndpointNamedByHostIsScrapedAndServedWithOneLookup() throws Exception {
        try (FakeDnsServer dns = FakeDnsServer.start(); SimServer sim = sim()) {
            dns.add(POOL_HOST, "127.0.0.1");
            String yaml = PoolMembershipIT.gatewayYaml("", """
                    apiVersion: switchboard.dev/v1alpha1
                    kind: Endpoints
                    metadata: {name: by-name}
                    spec:
                      endpoints:
                      - {address: %s, port: %d, labels: {app: sim}}
                    """.formatted(POOL_HOST, sim.addresses().get(0).getPort()));
            Transport transport = Transport.best().withNameServers(List.of(dns.address()));
            try (GatewayServer gw = GatewayServer.start(ConfigLoader.parse(yaml, "dns.yaml"), 2, transport)) {
                InferencePool pool = gw.context().config().pools().get("pool");
                await().atMost(Duration.ofSeconds(10)).until(() -> pool.states().get(0).fresh()); // scraped by name

                for (int i = 0; i < 3; i++) {
                    HttpResponse<String> r = HTTP.send(chat(gw, "pool"), HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                }
                assertThat(dns.queries(POOL_HOST, DnsRecordType.A)).as("A queries: the answer is cached for its TTL")
                        .isEqualTo(1);
            }
        }
    }
}
