package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.gateway.server.GatewayServer;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * Where the admin listener binds. On Linux the whole of 127.0.0.0/8 is the loopback interface: a socket bound to
 * 0.0.0.0 answers on 127.0.0.2, one bound to 127.0.0.1 does not, so the test can tell the two apart without a
 * network.
 */
class AdminListenerIT {
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static String gateway(String spec) {
        return """
                apiVersion: switchboard.dev/v1alpha1
                kind: Gateway
                metadata: {name: gw}
                spec: %s
                ---
                apiVersion: aigateway.envoyproxy.io/v1beta1
                kind: AIGatewayRoute
                metadata: {name: main}
                spec: {rules: [{backendRefs: [{name: nowhere}]}]}
                ---
                apiVersion: aigateway.envoyproxy.io/v1beta1
                kind: AIServiceBackend
                metadata: {name: nowhere}
                spec: {schema: {name: OpenAI}, backendRef: {name: nowhere}}
                ---
                apiVersion: gateway.envoyproxy.io/v1alpha1
                kind: Backend
                metadata: {name: nowhere}
                spec: {endpoints: [{ip: {address: 127.0.0.1, port: 9}}]}
                """.formatted(spec);
    }

    static int health(String host, int port) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/health")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    static void refused(String host, int port) {
        assertThatThrownBy(() -> new Socket(host, port).close()).as("%s:%d", host, port)
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void listeningOnEveryAddressKeepsTheAdminPortOnLoopback() throws Exception {
        try (GatewayServer gw = GatewayServer.start(ConfigLoader.parse(
                gateway("{listen: {host: 0.0.0.0, port: 0}, admin: {port: 0}}"), "gw.yaml"), 1)) {
            new Socket("127.0.0.2", gw.port()).close(); // the API listens everywhere
            assertThat(health("127.0.0.1", gw.adminPort())).isEqualTo(200);
            refused("127.0.0.2", gw.adminPort());
            assertThat(gw.adminAddress().getAddress().isLoopbackAddress()).isTrue();
        }
    }

    @Test
    void theAdminPortBindsItsOwnHostWhenOneIsConfigured() throws Exception {
        try (GatewayServer gw = GatewayServer.start(ConfigLoader.parse(
                gateway("{listen: {port: 0}, admin: {host: 127.0.0.2, port: 0}}"), "gw.yaml"), 1)) {
            assertThat(health("127.0.0.2", gw.adminPort())).isEqualTo(200);
            refused("127.0.0.1", gw.adminPort());
            refused("127.0.0.2", gw.port()); // the API keeps its default, 127.0.0.1
        }
        try (GatewayServer gw = GatewayServer.start(ConfigLoader.parse(
                gateway("{listen: {port: 0}, admin: {host: 0.0.0.0, port: 0}}"), "gw.yaml"), 1)) {
            assertThat(health("127.0.0.2", gw.adminPort())).as("published on purpose").isEqualTo(200);
        }
    }
}
