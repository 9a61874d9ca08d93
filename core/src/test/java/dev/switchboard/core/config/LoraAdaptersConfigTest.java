package dev.switchboard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** ConfigMaps in the body-based router's format: a base model and its LoRA adapters. */
class LoraAdaptersConfigTest {
    static final String MAP = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: llama-adapters
              labels: {inference.networking.k8s.io/bbr-managed: "true"}
            data:
              baseModel: meta-llama/Llama-3.1-8B-Instruct
              adapters: |
                - food-review
                - sql-lora
            """;

    @Test
    void aConfigMapListsTheAdaptersOfItsBaseModel() throws Exception {
        GatewayConfig c = ConfigLoader.parse(MAP + "---\n" + MAP.replace("llama-adapters", "more")
                .replace("- food-review\n    - sql-lora", "- chat-lora"), "bbr.yaml");
        assertThat(c.loraAdapters()).containsExactly(
                new LoraAdapters("meta-llama/Llama-3.1-8B-Instruct", List.of("food-review", "sql-lora")),
                new LoraAdapters("meta-llama/Llama-3.1-8B-Instruct", List.of("chat-lora")));
    }

    @Test
    void aBaseModelWithoutAdaptersIsAllowed() throws Exception {
        GatewayConfig c = ConfigLoader.parse(MAP.substring(0, MAP.indexOf("  adapters:")), "bbr.yaml");
        assertThat(c.loraAdapters().get(0).adapters()).isEmpty();
    }

    @Test
    void mistakesAreNamed() {
        assertThatThrownBy(() -> ConfigLoader.parse(MAP.replace("baseModel:", "base:"), "bbr.yaml"))
                .hasMessageContaining("bbr.yaml: document 1 (ConfigMap/llama-adapters)").hasMessageContaining("base");
        assertThatThrownBy(() -> ConfigLoader.parse(MAP.replace("- food-review\n    - sql-lora", "food-review"),
                "bbr.yaml")).hasMessageContaining("data.adapters: expected a YAML list of adapter names");
        assertThatThrownBy(() -> ConfigLoader.parse(MAP.replace("apiVersion: v1", "apiVersion: v2"), "bbr.yaml"))
                .hasMessageContaining("apiVersion: expected v1");
        assertThatThrownBy(() -> ConfigLoader.parse(MAP + "spec: {}\n", "bbr.yaml")).hasMessageContaining("spec");
    }
}
