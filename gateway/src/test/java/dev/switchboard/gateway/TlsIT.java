package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.gateway.server.GatewayServer;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.engine.EngineConfig;
import dev.switchboard.sim.server.SimServer;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS on the listener, with HTTP/2 or HTTP/1.1 chosen by ALPN. */
class TlsIT {

    @Test
    void servesHttpsWithHttp2ByAlpnAndHttp11ForClientsThatAskForIt(@TempDir Path dir) throws Exception {
        TestCertificates.Pair pair = TestCertificates.selfSigned(dir);
        Path cert = pair.cert();
        Path key = pair.key();

        try (SimServer sims = SimServer.start(SimConfig.defaults().withEndpoints(0, 1)
                .withEngine(EngineConfig.defaults().withTimeScale(0)))) {
            String yaml = ConfigReloadIT.config("sim", sims.addresses().get(0).getPort()).replace(
                    "spec: {listen: {port: 0}, admin: {port: 0}}",
                    "spec: {listen: {port: 0}, admin: {port: 0}, tls: {certFile: " + cert + ", keyFile: " + key + "}}");
            try (GatewayServer gw = GatewayServer.start(ConfigLoader.parse(yaml, "tls.yaml"), 1)) {
                SSLContext trust = trusting(cert);
                URI uri = URI.create("https://127.0.0.1:" + gw.port() + "/v1/chat/completions");
                HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers
                        .ofString("{\"model\":\"any\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2}")).build();
                for (HttpClient.Version v : HttpClient.Version.values()) {
                    HttpClient client = HttpClient.newBuilder().sslContext(trust).version(v).build();
                    HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).isEqualTo(200);
                    assertThat(r.version()).isEqualTo(v);
                    assertThat(r.body()).contains("\"completion_tokens\":2");
                }
            }
        }
    }

    static SSLContext trusting(Path certFile) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(certFile)) {
            ks.setCertificateEntry("gw", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
