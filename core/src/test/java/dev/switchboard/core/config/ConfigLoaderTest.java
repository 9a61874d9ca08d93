package dev.switchboard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
    static final String VALID = """
            apiVersion: switchboard.dev/v1alpha1
            kind: Gateway
            metadata: {name: gw}
            spec:
              listen: {host: 0.0.0.0, port: 8081}
              admin: {port: 9902}
              maxRequestBodyBytes: 2048
              upstreamIdleTimeout: 750ms
            ---
            apiVersion: aigateway.envoyproxy.io/v1beta1
            kind: AIGatewayRoute
            metadata: {name: main}
            spec:
              rules:
              - name: llama
                matches:
                - headers:
                  - {type: Exact, name: x-ai-eg-model, value: llama-3}
                - headers:
                  - {type: Prefix, name: x-ai-eg-model, value: "llama-"}
                  - {type: RegularExpression, name: x-tenant, value: "team-[a-z]+"}
                backendRefs:
                - {name: a, weight: 3}
                - name: b
                  priority: 1
                  modelNameOverride: llama-3-fp8
                  headerMutation: {set: [{name: x-extra, value: "1"}], remove: [x-drop]}
                timeouts: {request: 90s}
                streamIdleTimeout: 500ms
                retry: {numRetries: 4, backoff: 10ms}
            ---
            apiVersion: aigateway.envoyproxy.io/v1alpha1
            kind: AIServiceBackend
            metadata: {name: a}
            spec:
              schema: {name: OpenAI}
              backendRef: {name: sim, kind: Backend, group: gateway.envoyproxy.io}
              headerMutation: {set: [{name: x-backend, value: a}]}
            ---
            apiVersion: aigateway.envoyproxy.io/v1alpha1
            kind: AIServiceBackend
            metadata: {name: b}
            spec:
              schema: {name: OpenAI}
              backendRef: {name: remote}
            ---
            apiVersion: gateway.envoyproxy.io/v1alpha1
            kind: Backend
            metadata: {name: sim}
            spec:
              endpoints:
              - ip: {address: 127.0.0.1, port: 8000}
              - ip: {address: 127.0.0.1, port: 8001}
            ---
            apiVersion: gateway.envoyproxy.io/v1alpha1
            kind: Backend
            metadata: {name: remote}
            spec:
              endpoints: [{fqdn: {hostname: api.example.com, port: 443}}]
              tls: {}
            """;

    @Test
    void readsEveryKindAndResolvesReferences() throws Exception {
        GatewayConfig c = ConfigLoader.parse(VALID, "gw.yaml");

        assertThat(c.listener().port()).isEqualTo(8081);
        assertThat(c.listener().adminPort()).isEqualTo(9902);
        assertThat(c.listener().maxBodyBytes()).isEqualTo(2048);
        assertThat(c.listener().upstreamIdleTimeout()).isEqualTo(Duration.ofMillis(750));
        RouteRule rule = c.rules().get(0);
        assertThat(rule.name()).isEqualTo("llama");
        assertThat(rule.matches()).hasSize(2);
        assertThat(rule.matches().get(1).get(0).matches("llama-70b")).isTrue();
        assertThat(rule.matches().get(1).get(1).matches("team-x1")).isFalse();
        assertThat(rule.requestTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(rule.streamIdleTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(rule.retry()).isEqualTo(new RouteRule.RetryPolicy(4, Duration.ofMillis(10)));
        BackendRef a = rule.backendRefs().get(0);
        BackendRef b = rule.backendRefs().get(1);
        assertThat(a.weight()).isEqualTo(3);
        assertThat(a.priority()).isZero();
        assertThat(a.backend().upstreams()).extracting(Upstream::port).containsExactly(8000, 8001);
        assertThat(a.backend().upstreams().get(0).tls()).isNull();
        assertThat(a.headerMutation().set()).extracting(e -> e.getKey() + "=" + e.getValue()).containsExactly("x-backend=a");
        assertThat(b.priority()).isEqualTo(1);
        assertThat(b.modelNameOverride()).isEqualTo("llama-3-fp8");
        assertThat(b.headerMutation().remove()).containsExactly("x-drop");
        assertThat(b.backend().upstreams().get(0)).isEqualTo(new Upstream("api.example.com", 443, Upstream.Tls.SYSTEM));
    }

    @Test
    void defaultsApplyWhenFieldsAreLeftOut() throws Exception {
        GatewayConfig c = ConfigLoader.parse(VALID.substring(VALID.indexOf("---") + 4), "gw.yaml");
        assertThat(c.listener()).isEqualTo(ListenerSettings.defaults());
    }

    @Test
    void errorsNameTheFileDocumentPathAndExpectation() {
        expectError(VALID.replace("weight: 3", "weight: -1"),
                "gw.yaml: document 2 (AIGatewayRoute/main): spec.rules[0].backendRefs[0].weight: expected an integer in [0, 1000000], got -1");
        expectError(VALID.replace("{name: a, weight: 3}", "{name: nope, weight: 3}"),
                "spec.rules[0].backendRefs[0].name: no AIServiceBackend named 'nope' in this file; AIServiceBackends: a, b");
        expectError(VALID.replace("value: \"team-[a-z]+\"", "value: \"team-[\""),
                "spec.rules[0].matches[1].headers[1].value: not a valid RE2 regular expression (no backreferences or"
                        + " lookaround): error parsing regexp: missing closing ]: `[`");
        expectError(VALID.replace("value: \"team-[a-z]+\"", "value: \"(team)-\\\\1\""),
                "spec.rules[0].matches[1].headers[1].value: not a valid RE2 regular expression (no backreferences or"
                        + " lookaround): error parsing regexp: invalid escape sequence: `\\1`");
        expectError(VALID.replace("value: \"team-[a-z]+\"", "value: \"team-(?!admin)[a-z]+\""),
                "spec.rules[0].matches[1].headers[1].value: not a valid RE2 regular expression (no backreferences or"
                        + " lookaround): error parsing regexp: invalid or unsupported Perl syntax: `(?!`");
        expectError(VALID.replace("streamIdleTimeout: 500ms", "streamIdleTimeout: soon"),
                "spec.rules[0].streamIdleTimeout: expected a duration like 500ms, 30s, 2m or 1h, got 'soon'");
        expectError(VALID.replace("backendRef: {name: remote}", "backendRef: {name: remote}\n  weigth: 2"),
                "document 4 (AIServiceBackend/b): spec.weigth: unknown field; expected one of");
        expectError(VALID.replace("kind: Backend\nmetadata: {name: remote}", "kind: Mystery\nmetadata: {name: remote}"),
                "document 6 (Mystery/remote): kind: unsupported kind 'Mystery'");
        expectError(VALID.replace("{type: Exact, name", "{type: Fuzzy, name"),
                "spec.rules[0].matches[0].headers[0].type: expected Exact, Prefix or RegularExpression, got 'Fuzzy'");
        expectError(VALID.replace("port: 8081", "port: eighty"), "spec.listen.port: expected an integer in [0, 65535]");
        expectError(VALID.replace("upstreamIdleTimeout: 750ms", "upstreamIdleTimeout: 0s"),
                "document 1 (Gateway/gw): spec.upstreamIdleTimeout: expected a duration above 0");
        expectError(VALID.replace("backendRef: {name: remote}", "backendRef: {name: missing}"),
                "spec.backendRef.name: no Backend named 'missing' in this file; Backends: sim, remote");
        expectError("kind: [unclosed", "gw.yaml:1:");
        expectError(VALID.replace("tls: {}", "tls: {caFile: /nonexistent/ca.pem}"),
                "document 6 (Backend/remote): spec.tls.caFile: cannot read '/nonexistent/ca.pem'");
        expectError(VALID.replace("- {name: a, weight: 3}\n", "- {name: a, weight: 0}\n").replace("      priority: 1\n", "      priority: 1\n      weight: 0\n"),
                "at least one backendRef needs a weight above 0");
    }

    @Test
    void headerNamesAndValuesNettyWouldRefuseAreRefusedAtLoadWithTheirPath() {
        String mutation = "headerMutation: {set: [{name: x-extra, value: \"1\"}], remove: [x-drop]}";
        expectError(VALID.replace(mutation, "headerMutation: {set: [{name: x-extra, value: \"a\\r\\nx-injected: 1\"}]}"),
                "gw.yaml: document 2 (AIGatewayRoute/main): spec.rules[0].backendRefs[1].headerMutation.set[0].value:"
                        + " not a valid header value: character 0x0d (a control character) at index 1");
        expectError(VALID.replace(mutation, "headerMutation: {set: [{name: x-ok, value: \"1\"}, {name: x-extra, value: \" 1\"}]}"),
                "spec.rules[0].backendRefs[1].headerMutation.set[1].value: not a valid header value: character 0x20"
                        + " (a space) at index 0 (a value cannot start with it)");
        expectError(VALID.replace(mutation, "headerMutation: {set: [{name: \"x extra\", value: \"1\"}]}"),
                "spec.rules[0].backendRefs[1].headerMutation.set[0].name: not a valid header name: character 0x20"
                        + " (a space) at index 1");
        expectError(VALID.replace(mutation, "headerMutation: {remove: [\"x-drop:\"]}"),
                "spec.rules[0].backendRefs[1].headerMutation.remove[0]: not a valid header name: character 0x3a (':')");
        expectError(VALID.replace("headerMutation: {set: [{name: x-backend, value: a}]}",
                "headerMutation: {set: [{name: x-backend, value: \"a\\u0000\"}]}"),
                "document 3 (AIServiceBackend/a): spec.headerMutation.set[0].value: not a valid header value: character 0x00");
        expectError(VALID.replace("modelNameOverride: llama-3-fp8", "modelNameOverride: \"llama-3\\u0007\""),
                "spec.rules[0].backendRefs[1].modelNameOverride: not a valid header value: character 0x07 (a control"
                        + " character) at index 7");
        expectError(VALID.replace("{type: Exact, name: x-ai-eg-model", "{type: Exact, name: \"x-ai-eg-model \""),
                "spec.rules[0].matches[0].headers[0].name: not a valid header name: character 0x20 (a space) at index 13");
    }

    @Test
    void clientHeaderTrustIsPerBackendRefAndTheRewriteHeaderOnlyForPools() throws Exception {
        GatewayConfig c = ConfigLoader.parse(VALID.replace("- {name: a, weight: 3}",
                "- {name: a, weight: 3, forwardClientCredentials: true}"), "gw.yaml");
        assertThat(c.rules().get(0).backendRefs().get(0).trust())
                .isEqualTo(new BackendRef.ClientTrust(true, false));
        assertThat(c.rules().get(0).backendRefs().get(1).trust()).isEqualTo(BackendRef.ClientTrust.NONE);
        expectError(VALID.replace("- {name: a, weight: 3}", "- {name: a, weight: 3, honorModelRewriteHeader: true}"),
                "spec.rules[0].backendRefs[0].honorModelRewriteHeader: only an InferencePool backendRef reads the model"
                        + " rewrite header");
        // with client authentication the client's credential is its Switchboard key: forwarding it would leak it
        expectError(VALID.replace("- {name: a, weight: 3}", "- {name: a, weight: 3, forwardClientCredentials: true}")
                + """
                ---
                apiVersion: switchboard.dev/v1alpha1
                kind: ClientAuth
                metadata: {name: clients}
                spec: {virtualKeys: {file: keys.json, secret: {env: S}}}
                """, "spec.rules[0].backendRefs[0].forwardClientCredentials: would send each client's Switchboard key");
    }

    @Test
    void clientLimitsHaveDefaultsAndAreChecked() throws Exception {
        String gateway = VALID.substring(0, VALID.indexOf("---"));
        String at = "  maxRequestBodyBytes:";
        assertThat(ConfigLoader.parse(gateway, "gw.yaml").listener().client())
                .isEqualTo(ListenerSettings.ClientLimits.DEFAULTS);
        ListenerSettings.ClientLimits small = ConfigLoader.parse(gateway.replace(at, "  clientIdleTimeout: 5s\n"
                + "  requestReceivedTimeout: 2m\n  maxBufferedRequestBytes: 16Mi\n" + at), "gw.yaml").listener().client();
        assertThat(small).isEqualTo(new ListenerSettings.ClientLimits(Duration.ofSeconds(5), Duration.ofMinutes(2),
                16 << 20, 16 << 20)); // the per-connection default is capped at the total
        expectError(gateway.replace(at, "  clientIdleTimeout: 0s\n" + at), "spec.clientIdleTimeout: must be longer than 0");
        expectError(gateway.replace(at, "  maxBufferedRequestBytes: 1Mi\n  maxBufferedRequestBytesPerConnection: 2Mi\n" + at),
                "spec.maxBufferedRequestBytesPerConnection: must not exceed maxBufferedRequestBytes (1048576)");
    }

    @Test
    void headerValuesNettyTakesLoad() throws Exception {
        GatewayConfig c = ConfigLoader.parse(VALID.replace("value: \"1\"}]", "value: \"a\\tb c \"}, {name: x-empty}]"),
                "gw.yaml");
        assertThat(c.rules().get(0).backendRefs().get(1).headerMutation().set())
                .extracting(java.util.Map.Entry::getValue).containsExactly("a\tb c ", "");
    }

    private static void expectError(String yaml, String message) {
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, "gw.yaml")).isInstanceOf(ConfigException.class)
                .hasMessageContaining(message);
    }

    @Test
    void anInferencePoolSelectsEndpointsByLabelAtEachTargetPort() throws Exception {
        String yaml = VALID.replace("- {name: a, weight: 3}", "- {name: gpus, kind: InferencePool, group: inference.networking.k8s.io}") + """
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: gpus}
                spec:
                  selector: {matchLabels: {app: vllm}}
                  targetPorts: [{number: 8000}, {number: 8001}]
                ---
                apiVersion: switchboard.dev/v1alpha1
                kind: Endpoints
                metadata: {name: nodes}
                spec:
                  endpoints:
                  - {address: 10.0.0.1, labels: {app: vllm, llm-d.ai/engine-type: sglang}}
                  - {address: 10.0.0.2, labels: {app: other}}
                  - {address: 10.0.0.3, port: 9000, labels: {app: vllm}}
                """;
        GatewayConfig c = ConfigLoader.parse(yaml, "gw.yaml");
        PoolConfig pool = c.pools().get(0);
        assertThat(pool.endpoints()).extracting(m -> m.host() + ":" + m.port())
                .containsExactly("10.0.0.1:8000", "10.0.0.1:8001", "10.0.0.3:9000");
        assertThat(pool.endpoints().get(0).labels()).containsEntry("llm-d.ai/engine-type", "sglang");
        BackendRef ref = c.rules().get(0).backendRefs().get(0);
        assertThat(ref.pool()).isSameAs(pool);
        assertThat(ref.backend().upstreams()).hasSize(3);

        expectError(yaml.replace("{name: gpus, kind: InferencePool", "{name: cpus, kind: InferencePool"),
                "no InferencePool named 'cpus' in this file; InferencePools: gpus");
        expectError(yaml.replace("targetPorts: [{number: 8000}, {number: 8001}]", "targetPorts: []"),
                "spec.targetPorts: expected 1 to 8 ports, got 0");
    }

    static final String POOL = """
            apiVersion: aigateway.envoyproxy.io/v1beta1
            kind: AIGatewayRoute
            metadata: {name: main}
            spec:
              rules: [{backendRefs: [{name: gpus, kind: InferencePool}]}]
            ---
            apiVersion: inference.networking.k8s.io/v1
            kind: InferencePool
            metadata: {name: gpus}
            spec:
              selector: {matchLabels: {app: vllm}}
              targetPorts: [{number: 8000}]
              endpointPickerRef: {kind: EndpointPickerConfig, name: epp}
            ---
            apiVersion: inference.networking.k8s.io/v1
            kind: InferencePool
            metadata: {name: cpus}
            spec:
              selector: {matchLabels: {app: cpu}}
              targetPorts: [{number: 8000}]
              endpointPickerRef: {name: an-epp-service, port: {number: 9002}, failureMode: FailClose}
            ---
            apiVersion: inference.networking.x-k8s.io/v1alpha2
            kind: InferenceObjective
            metadata: {name: batch}
            spec:
              priority: -5
              poolRef: {name: gpus, group: inference.networking.k8s.io, kind: InferencePool}
            ---
            apiVersion: llm-d.ai/v1alpha2
            kind: InferenceObjective
            metadata: {name: chat}
            spec:
              priority: 10
              poolRef: {name: gpus}
            ---
            apiVersion: llm-d.ai/v1alpha2
            kind: InferenceObjective
            metadata: {name: default-priority}
            spec:
              poolRef: {name: cpus}
            ---
            apiVersion: llm-d.ai/v1alpha1
            kind: EndpointPickerConfig
            metadata: {name: epp}
            featureGates: [flowControl]
            plugins: [{type: queue-scorer}]
            schedulingProfiles: [{name: default, plugins: [{pluginRef: queue-scorer}]}]
            flowControl: {defaultRequestTTL: 30s}
            """;

    @Test
    void objectivesGivePrioritiesPerPoolAndAPoolMayNameAnEndpointPickerConfig() throws Exception {
        GatewayConfig c = ConfigLoader.parse(POOL, "gw.yaml");
        PoolConfig gpus = c.pools().get(0);
        PoolConfig cpus = c.pools().get(1);
        assertThat(gpus.objectives()).containsExactly(new InferenceObjective("batch", -5, "gpus"),
                new InferenceObjective("chat", 10, "gpus"));
        assertThat(gpus.priority("batch")).isEqualTo(-5);
        assertThat(gpus.objectives().get(0).sheddable()).isTrue();
        assertThat(gpus.priority("chat")).isEqualTo(10);
        assertThat(gpus.priority("unknown")).as("unknown objective").isZero();
        assertThat(gpus.priority(null)).as("no objective header").isZero();
        assertThat(gpus.priority("default-priority")).as("another pool's objective").isZero();
        assertThat(cpus.objectives()).containsExactly(new InferenceObjective("default-priority", 0, "cpus"));

        assertThat(gpus.picker().name()).isEqualTo("epp");
        assertThat(gpus.picker().document().error("x").getMessage()).startsWith("gw.yaml: document 7 (EndpointPickerConfig/epp)");
        assertThat(gpus.picker().document().node().path("flowControl").path("defaultRequestTTL").asText()).isEqualTo("30s");
        assertThat(cpus.picker() == null || cpus.picker().document() == null)
                .as("a Service ref: the in-process picker's defaults").isTrue();
    }

    @Test
    void objectiveAndPickerConfigErrorsSayWhereAndWhat() {
        expectError(POOL.replace("poolRef: {name: gpus}", "poolRef: {name: tpus}"),
                "gw.yaml: document 5 (InferenceObjective/chat): spec.poolRef.name: no InferencePool named 'tpus' in this"
                        + " file; InferencePools: gpus, cpus");
        expectError(POOL.replace("priority: -5", "priority: high"),
                "document 4 (InferenceObjective/batch): spec.priority: expected an integer in");
        expectError(POOL.replace("kind: InferencePool}", "kind: Service}"),
                "spec.poolRef.kind: expected InferencePool, got 'Service'");
        expectError(POOL.replace("priority: 10\n", "priority: 10\n  criticality: Critical\n"),
                "document 5 (InferenceObjective/chat): spec.criticality: unknown field; expected one of poolRef, priority");
        expectError(POOL.replace("apiVersion: llm-d.ai/v1alpha2\nkind: InferenceObjective\nmetadata: {name: chat}",
                        "apiVersion: inference.networking.k8s.io/v1\nkind: InferenceObjective\nmetadata: {name: chat}"),
                "apiVersion: expected inference.networking.x-k8s.io/<version> or llm-d.ai/<version>, got");
        expectError(POOL.replace("{kind: EndpointPickerConfig, name: epp}", "{kind: EndpointPickerConfig, name: ep}"),
                "document 2 (InferencePool/gpus): spec.endpointPickerRef.name: no EndpointPickerConfig named 'ep' in this"
                        + " file; EndpointPickerConfigs: epp");
        expectError(POOL.replace("{kind: EndpointPickerConfig, name: epp}", "{name: a-service}"),
                "document 7 (EndpointPickerConfig/epp): metadata.name: no InferencePool uses this EndpointPickerConfig");
        expectError(POOL.replace("metadata: {name: chat}", "metadata: {name: batch}"),
                "a second document of this kind is named 'batch'");
    }

    @Test
    void aPoolNamesItsEndpointPickerConfigAndReadsEndpointsFromAFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Files.writeString(dir.resolve("endpoints.yaml"), """
                endpoints:
                - {name: pod-a, address: 10.0.0.7, labels: {app: vllm}}
                """);
        String yaml = VALID.replace("- {name: a, weight: 3}", "- {name: gpus, kind: InferencePool, group: inference.networking.k8s.io}") + """
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: gpus}
                spec:
                  selector: {matchLabels: {app: vllm}}
                  targetPorts: [{number: 8000}]
                  endpointPickerRef: {name: gpus-epp, port: {number: 9002}}
                ---
                apiVersion: inference.networking.x-k8s.io/v1alpha1
                kind: EndpointPickerConfig
                metadata: {name: gpus-epp}
                plugins:
                - type: round-robin-picker
                schedulingProfiles:
                - name: default
                  plugins: [{pluginRef: round-robin-picker}]
                ---
                apiVersion: switchboard.dev/v1alpha1
                kind: Endpoints
                metadata: {name: from-file}
                spec: {file: endpoints.yaml}
                """;
        GatewayConfig c = ConfigLoader.parse(yaml, "gw.yaml", dir);
        PoolConfig pool = c.pools().get(0);
        assertThat(pool.picker().name()).isEqualTo("gpus-epp");
        assertThat(pool.picker().document().node().path("plugins").get(0).path("type").asText())
                .isEqualTo("round-robin-picker");
        assertThat(pool.endpointFiles()).containsExactly(dir.resolve("endpoints.yaml"));
        assertThat(pool.select(ConfigLoader.readEndpointsFile(dir.resolve("endpoints.yaml"))))
                .extracting(m -> m.host() + ":" + m.port()).containsExactly("10.0.0.7:8000");

        assertThatThrownBy(() -> ConfigLoader.parse(yaml.replace("file: endpoints.yaml", "file: missing.yaml"), "gw.yaml", dir))
                .isInstanceOf(ConfigException.class).hasMessageContaining("(Endpoints/from-file): spec.file:")
                .hasMessageContaining("missing.yaml: cannot read");
        assertThatThrownBy(() -> ConfigLoader.parse(yaml.replace("kind: InferencePool\nmetadata: {name: gpus}\n",
                "kind: InferencePool\nmetadata: {name: gpus}\nplugins: []\n"), "gw.yaml", dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("plugins: unknown field");
    }

    @Test
    void durationsInGatewayApiForm() {
        assertThat(Durations.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThatThrownBy(() -> Durations.parse("10")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Durations.parse("5 s")).isInstanceOf(IllegalArgumentException.class);
    }
}
