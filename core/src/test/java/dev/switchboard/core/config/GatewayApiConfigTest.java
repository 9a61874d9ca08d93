package dev.switchboard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Gateway API kinds and the kinds of other controllers, as the Envoy AI Gateway how-to applies them together with
 * the gateway's own resources: the how-to's files load as they are.
 */
class GatewayApiConfigTest {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static String howTo() throws IOException {
        try (InputStream in = GatewayApiConfigTest.class.getResourceAsStream("/howto/aigwroute-inferencepool.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theHowTosFilesLoadWithTheirGatewaysListenerAndOneLineForEachForeignKind() throws Exception {
        GatewayConfig c = ConfigLoader.parse(howTo(), "howto.yaml");
        assertThat(c.listener().port()).as("the Gateway's listener").isEqualTo(8081);
        assertThat(c.listener().host()).isEqualTo("0.0.0.0");
        assertThat(c.routeNames()).containsExactly("inference-pool-with-aigwroute");
        assertThat(c.rules()).hasSize(3);
        assertThat(c.pools()).extracting(PoolConfig::name).containsExactly("vllm-llama3-8b-instruct", "mistral");
        assertThat(c.pools().get(0).endpoints()).hasSize(2);
        assertThat(c.notes()).anyMatch(n -> n.startsWith("skipped Service 'mistral-epp' (v1)"))
                .anyMatch(n -> n.startsWith("skipped Deployment 'mistral-upstream' (apps/v1)"))
                .anyMatch(n -> n.startsWith("skipped ClusterRole 'pod-read'"))
                .anyMatch(n -> n.startsWith("skipped ClusterRoleBinding 'pod-read-binding'"))
                .anyMatch(n -> n.startsWith("skipped ClientTrafficPolicy 'client-buffer-limit'")
                        && n.contains("Envoy Gateway's"))
                .anyMatch(n -> n.contains("names controller 'gateway.envoyproxy.io/gatewayclass-controller'"))
                .anyMatch(n -> n.equals("AIGatewayRoute 'someone-elses' is not served: its parentRefs name other"
                        + " Gateways, not Gateway 'inference-pool-with-aigwroute'"))
                .anyMatch(n -> n.contains("EndpointPickerConfig 'plugins-config' (a ConfigMap's) is not used"));
        assertThat(c.notes().stream().filter(n -> n.startsWith("skipped "))).hasSize(5);
    }

    @Test
    void aConfigMapHoldingAnEndpointPickerConfigIsThePoolsPickerWhenTheRefNamesIt() throws Exception {
        GatewayConfig c = ConfigLoader.parse(howTo().replace("name: mistral-epp\n    port:",
                "name: plugins-config\n    port:"), "howto.yaml");
        PoolConfig mistral = c.pools().get(1);
        assertThat(mistral.picker().document()).as("read from the ConfigMap's data").isNotNull();
        assertThat(mistral.picker().document().node().path("plugins").get(0).path("type").asText())
                .isEqualTo("queue-scorer");
        assertThat(c.notes()).noneMatch(n -> n.contains("is not used"));
    }

    @Test
    void inTheClusterOnlyGatewaysOfOurClassAreServedAndRoutesMustAttachToThem() throws Exception {
        LoadOptions cluster = new LoadOptions(Path.of(""), null, LoadOptions.CONTROLLER_NAME, null);
        GatewayConfig theirs = ConfigLoader.parse(howTo(), "cluster", cluster);
        assertThat(theirs.rules()).as("Envoy Gateway's Gateway and the routes on it are not ours").isEmpty();
        assertThat(theirs.listener().port()).isEqualTo(ListenerSettings.defaults().port());

        GatewayConfig ours = ConfigLoader.parse(howTo().replace("gateway.envoyproxy.io/gatewayclass-controller",
                LoadOptions.CONTROLLER_NAME), "cluster", cluster);
        assertThat(ours.routeNames()).containsExactly("inference-pool-with-aigwroute");
        assertThat(ours.listener().port()).isEqualTo(8081);
    }

    @Test
    void aSectionNameMustNameTheListenerAndAWrongOneDetachesTheRoute() throws Exception {
        String yaml = howTo().replace("      kind: Gateway\n      group: gateway.networking.k8s.io\n  rules:",
                "      kind: Gateway\n      group: gateway.networking.k8s.io\n      sectionName: https\n  rules:");
        GatewayConfig c = ConfigLoader.parse(yaml, "howto.yaml");
        assertThat(c.rules()).isEmpty();
        assertThat(ConfigLoader.parse(yaml.replace("sectionName: https", "sectionName: http"), "howto.yaml").rules())
                .hasSize(3);
    }

    @Test
    void unsupportedGatewayFieldsAreRefusedWithWhatToDo() {
        assertThatThrownBy(() -> ConfigLoader.parse(howTo().replace("protocol: HTTP", "protocol: HTTPS"), "h.yaml"))
                .hasMessageContaining("spec.listeners[0].protocol: expected HTTP, got 'HTTPS'")
                .hasMessageContaining("terminate TLS in front");
        assertThatThrownBy(() -> ConfigLoader.parse(howTo().replace("  listeners:\n    - name: http",
                "  listeners:\n    - {name: other, protocol: HTTP, port: 9000}\n    - name: http"), "h.yaml"))
                .hasMessageContaining("one listener per Gateway today; got 2");
        assertThatThrownBy(() -> ConfigLoader.parse(howTo() + """
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: second}
                spec:
                  gatewayClassName: inference-pool-with-aigwroute
                  listeners: [{name: http, protocol: HTTP, port: 9000}]
                """, "h.yaml")).hasMessageContaining("several Gateways to serve (inference-pool-with-aigwroute,"
                + " second); choose one with --gateway NAME");
        assertThatThrownBy(() -> ConfigLoader.parse(howTo().replace("name: OpenAI\n  parentRefs",
                "name: AWSBedrock\n  parentRefs"), "h.yaml")).hasMessageContaining("spec.schema.name: expected OpenAI");
        assertThatThrownBy(() -> ConfigLoader.parse(howTo().replace("kind: ClientTrafficPolicy",
                "kind: MCPRoute").replace("apiVersion: gateway.envoyproxy.io/v1alpha1\nkind: MCPRoute",
                "apiVersion: aigateway.envoyproxy.io/v1alpha1\nkind: MCPRoute"), "h.yaml"))
                .as("a kind of a group Switchboard reads, which it does not know, is refused, not skipped")
                .hasMessageContaining("unsupported kind 'MCPRoute'");
    }

    @Test
    void aBadResourceIsLeftOutWithItsReasonAndTheRestLoads() throws Exception {
        String yaml = howTo().replace("targetPorts:\n    - number: 8080", "targetPorts:\n    - number: 99999")
                .replace("name: another-gateway", "name: inference-pool-with-aigwroute");
        List<ConfigDocument> set = new ArrayList<>();
        for (var doc : YAML.readerFor(com.fasterxml.jackson.databind.JsonNode.class).readValues(yaml).readAll()) {
            set.add(new ConfigDocument((com.fasterxml.jackson.databind.JsonNode) doc, "cluster #" + set.size()));
        }
        assertThatThrownBy(() -> ConfigLoader.build(set, "cluster", LoadOptions.file(Path.of(""))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("targetPorts[0].number");
        SkippingLoader.Result r = SkippingLoader.load(set, "cluster", LoadOptions.file(Path.of("")), c -> { });
        int pool = indexOf(set, "InferencePool", "mistral");
        int objective = indexOf(set, "InferenceObjective", "mistral");
        int route = indexOf(set, "AIGatewayRoute", "inference-pool-with-aigwroute");
        assertThat(r.rejected()).containsOnlyKeys(pool, objective, route);
        assertThat(r.rejected().get(pool)).contains("spec.targetPorts[0].number: expected an integer in [1, 65535]");
        assertThat(r.rejected().get(objective)).contains("no InferencePool named 'mistral'");
        assertThat(r.rejected().get(route)).contains("no InferencePool named 'mistral'");
        assertThat(r.config().pools()).extracting(PoolConfig::name).containsExactly("vllm-llama3-8b-instruct");
        assertThat(r.config().routeNames()).as("the route that needs the bad pool goes; the other stays")
                .containsExactly("someone-elses");
    }

    @Test
    void aSecretRefResolvesToTheFileTheClusterKeepsAndIsRefusedInAFile() throws Exception {
        String yaml = howTo() + """
                ---
                apiVersion: aigateway.envoyproxy.io/v1alpha1
                kind: BackendSecurityPolicy
                metadata: {name: key, namespace: default}
                spec:
                  targetRefs: [{name: envoy-ai-gateway-basic-testupstream}]
                  type: APIKey
                  apiKey: {secretRef: {name: openai-key}}
                """;
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, "h.yaml"))
                .hasMessageContaining("spec.apiKey.secretRef: names a Kubernetes Secret, which a config file cannot read");
        Path file = Path.of("/run/secrets/openai-key/apiKey");
        List<String> asked = new ArrayList<>();
        SecretResolver secrets = (ns, name, key) -> {
            asked.add(ns + "/" + name + "/" + key);
            return file;
        };
        GatewayConfig c = ConfigLoader.parse(yaml, "cluster", new LoadOptions(Path.of(""), secrets, null, null));
        assertThat(asked).containsExactly("default/openai-key/apiKey");
        Backend b = c.backends().stream().filter(x -> x.name().equals("envoy-ai-gateway-basic-testupstream"))
                .findFirst().orElseThrow();
        assertThat(b.security().apiKey().file()).isEqualTo(file);

        SecretResolver missing = (ns, name, key) -> {
            throw new ConfigException("Secret " + ns + "/" + name + " has no key '" + key + "'");
        };
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, "cluster", new LoadOptions(Path.of(""), missing, null, null)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("(BackendSecurityPolicy/key): spec.apiKey.secretRef: Secret default/openai-key"
                        + " has no key 'apiKey'")
                .satisfies(e -> assertThat(((ConfigException) e).document()).as("names its document").isPositive());
    }

    static int indexOf(List<ConfigDocument> set, String kind, String name) {
        for (int i = 0; i < set.size(); i++) {
            var j = set.get(i).json();
            if (j != null && j.path("kind").asText().equals(kind) && j.path("metadata").path("name").asText().equals(name)) {
                return i;
            }
        }
        throw new AssertionError(kind + "/" + name);
    }
}
