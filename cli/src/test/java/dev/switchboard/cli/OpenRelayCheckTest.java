package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.core.config.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A gateway that would hand a paid key to anyone who reaches it does not start. */
class OpenRelayCheckTest {
    static String config(String host, boolean keyed) {
        return """
                apiVersion: switchboard.dev/v1alpha1
                kind: Gateway
                metadata: {name: gw}
                spec: {listen: {host: "%s", port: 0}, admin: {port: 0}}
                ---
                apiVersion: aigateway.envoyproxy.io/v1beta1
                kind: AIGatewayRoute
                metadata: {name: main}
                spec: {rules: [{backendRefs: [{name: claude}]}]}
                ---
                apiVersion: aigateway.envoyproxy.io/v1beta1
                kind: AIServiceBackend
                metadata: {name: claude}
                spec: {schema: {name: Anthropic}, backendRef: {name: claude}}
                ---
                apiVersion: gateway.envoyproxy.io/v1alpha1
                kind: Backend
                metadata: {name: claude}
                spec: {endpoints: [{fqdn: {hostname: api.anthropic.com, port: 443}}], tls: {}}
                """.formatted(host) + (keyed ? """
                ---
                apiVersion: aigateway.envoyproxy.io/v1beta1
                kind: BackendSecurityPolicy
                metadata: {name: key}
                spec: {targetRefs: [{name: claude}], type: AnthropicAPIKey, anthropicAPIKey: {env: ANTHROPIC_API_KEY}}
                """ : "");
    }

    static GatewayConfig parse(String yaml) throws Exception {
        return ConfigLoader.parse(yaml, "test.yaml");
    }

    @Test
    void aProviderKeyOnEveryInterfaceWithoutClientAuthIsRefusedAndTheMessageSaysWhatToDo() throws Exception {
        String why = OpenRelayCheck.refusal(parse(config("0.0.0.0", true)));
        assertThat(why).contains("claude").contains("0.0.0.0").contains("not a loopback address")
                .contains("--allow-unauthenticated");
        assertThat(OpenRelayCheck.refusal(parse(config("127.0.0.1", true)))).as("loopback").isNull();
        assertThat(OpenRelayCheck.refusal(parse(config("::1", true)))).as("loopback v6").isNull();
        assertThat(OpenRelayCheck.refusal(parse(config("0.0.0.0", false)))).as("no key to spend").isNull();
    }

    @Test
    void aKeyWrittenAsAHeaderMutationCountsToo() throws Exception {
        String yaml = config("0.0.0.0", false).replace("spec: {schema: {name: Anthropic}, backendRef: {name: claude}}",
                "spec: {schema: {name: Anthropic}, backendRef: {name: claude}, headerMutation: {set: [{name: x-api-key, value: sk}]}}");
        assertThat(OpenRelayCheck.refusal(parse(yaml))).contains("claude");
    }

    @Test
    void runStopsBeforeListeningAndExitsNonZero(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("open.yaml"), config("0.0.0.0", true));
        CliRun r = CliRun.of("run", "-c", file.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("refusing to serve provider credentials");
    }
}
