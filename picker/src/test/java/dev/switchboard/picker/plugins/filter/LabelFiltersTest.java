package dev.switchboard.picker.plugins.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.config.Fields;
import dev.switchboard.picker.datalayer.EngineType;
import dev.switchboard.picker.pool.Endpoint;
import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.picker.scheduling.Filter;
import dev.switchboard.picker.scheduling.PickRequest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LabelFiltersTest {
    /** The reference's by-label test pods, by name. */
    static final List<EndpointState> PODS = List.of(
            pod("nginx-1", Map.of("app", "nginx", "version", "v1.0", "tier", "frontend")),
            pod("nginx-2", Map.of("app", "nginx", "version", "v1.1", "tier", "frontend")),
            pod("coredns-1", Map.of("app", "coredns", "tier", "system")),
            pod("redis-1", Map.of("app", "redis", "tier", "backend", "deprecated", "true")),
            pod("web-1", Map.of("app", "web", "tier", "frontend", "environment", "production")),
            pod("no-tier-pod", Map.of("app", "unknown")));

    static EndpointState pod(String name, Map<String, String> labels) {
        return new EndpointState(new Endpoint(name, 8000, labels, EngineType.VLLM), null, false, 0, 0);
    }

    static List<String> kept(Filter f) {
        return f.filter(PickRequest.of("m", "", Map.of(), 0), PODS).stream().map(e -> e.endpoint().host()).toList();
    }

    static LabelSelectorFilter selector(String yaml) throws Exception {
        var node = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readTree(yaml);
        return LabelSelectorFilter.create("s", new Fields(node, "test", "parameters"));
    }

    @Test
    void byLabelKeepsValidValuesAndOptionallyTheUnlabelled() {
        assertThat(kept(new ByLabelFilter("f", "app", Set.of("nginx"), false))).containsExactly("nginx-1", "nginx-2");
        assertThat(kept(new ByLabelFilter("f", "version", Set.of("v1.0"), false))).containsExactly("nginx-1");
        assertThat(kept(new ByLabelFilter("f", "tier", Set.of(), true))).containsExactly("no-tier-pod");
        assertThat(kept(new ByLabelFilter("f", "tier", Set.of("frontend", "backend", "system"), false)))
                .containsExactly("nginx-1", "nginx-2", "coredns-1", "redis-1", "web-1");
        assertThat(kept(new ByLabelFilter("f", "tier", Set.of("backend"), true))).containsExactly("redis-1", "no-tier-pod");
    }

    @Test
    void labelSelectorMatchLabelsAreAllRequired() throws Exception {
        assertThat(kept(selector("matchLabels: {app: nginx, version: v1.1}"))).containsExactly("nginx-2");
        assertThat(kept(selector("{}"))).as("an empty selector matches everything").hasSize(PODS.size());
    }

    @Test
    void labelSelectorExpressionsFollowKubernetes() throws Exception {
        assertThat(kept(selector("matchExpressions: [{key: tier, operator: In, values: [system, backend]}]")))
                .containsExactly("coredns-1", "redis-1");
        assertThat(kept(selector("matchExpressions: [{key: tier, operator: NotIn, values: [frontend]}]")))
                .as("NotIn keeps the unlabelled too").containsExactly("coredns-1", "redis-1", "no-tier-pod");
        assertThat(kept(selector("matchExpressions: [{key: deprecated, operator: Exists}]"))).containsExactly("redis-1");
        assertThat(kept(selector("matchExpressions: [{key: tier, operator: DoesNotExist}]"))).containsExactly("no-tier-pod");
        assertThat(kept(selector("""
                matchLabels: {tier: frontend}
                matchExpressions:
                - {key: app, operator: In, values: [nginx, web]}
                - {key: environment, operator: DoesNotExist}
                """))).as("every requirement holds").containsExactly("nginx-1", "nginx-2");
    }
}
