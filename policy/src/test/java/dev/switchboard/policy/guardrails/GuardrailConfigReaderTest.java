package dev.switchboard.policy.guardrails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.Fields;
import dev.switchboard.policy.Principal;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GuardrailConfigReaderTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** The example in GuardrailConfigReader's Javadoc, spec part. */
    private static final String EXAMPLE = """
            targetRefs:
            - name: chat
            responseWindow: 200
            audit:
              includeText: false
            steps:
            - name: injection
              type: injection
              action: block
              threshold: 0.5
              roles: [user, tool]
            - name: pii
              type: pii
              action: redact
              kinds: [email, phone, card, iban, secret]
            - name: topics
              type: patterns
              action: block
              patterns:
              - {id: codename, regex: "(?i)project\\\\s+bluebird"}
              phrases:
              - {id: competitor, phrase: "acme corp"}
            - name: armor
              type: model-armor
              action: block
              endpoint: https://modelarmor.us-central1.rep.googleapis.com
              template: projects/my-project/locations/us-central1/templates/my-template
              tokenEnv: MODEL_ARMOR_TOKEN
              timeout: 500ms
              failure: open
            - name: nemo
              type: nemo-guardrails
              action: block
              endpoint: http://nemo-guardrails:8000
              configId: content_safety
              model: meta/llama-3.1-8b-instruct
              timeout: 2s
              failure: open
            """;

    private static GuardrailConfig read(String yaml) throws Exception {
        JsonNode spec = YAML.readTree(yaml);
        return GuardrailConfigReader.read("g", new Fields(spec, "guardrails.yaml: Guardrail g", "spec"));
    }

    @Test
    void readsTheDocumentedExample() throws Exception {
        GuardrailConfig c = read(EXAMPLE);
        assertThat(c.routes()).containsExactly("chat");
        assertThat(c.steps()).extracting(GuardrailConfig.Step::name)
                .containsExactly("injection", "pii", "topics", "armor", "nemo");
        GuardrailConfig.CalloutStep armor = (GuardrailConfig.CalloutStep) c.steps().get(3);
        assertThat(armor.timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(armor.failOpen()).isTrue();
        assertThat(armor.tokenEnv()).isEqualTo("MODEL_ARMOR_TOKEN");

        GuardrailChain chain = c.toChain("chat", HttpClient.newHttpClient(), Map.<String, String>of()::get);
        assertThat(chain.steps()).hasSize(5);
        StreamGuard.Release r = chain.responseGuard(Principal.ANONYMOUS).offer("we met ACME   Corp");
        assertThat(r.blocked()).isTrue();
        assertThat(r.verdict().ruleId()).isEqualTo("topics/competitor");
    }

    @Test
    void errorsNameTheFieldPath() {
        assertThatThrownBy(() -> read(EXAMPLE.replace("action: redact", "action: shred")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("spec.steps[1].action")
                .hasMessageContaining("block, redact, log");
        assertThatThrownBy(() -> read(EXAMPLE.replace("threshold: 0.5", "treshold: 0.5")))
                .hasMessageContaining("spec.steps[0].treshold: unknown field");
        assertThatThrownBy(() -> read(EXAMPLE.replace("(?i)project", "(?<=x)project")))
                .hasMessageContaining("spec.steps[2].patterns").hasMessageContaining("codename");
        assertThatThrownBy(() -> read(EXAMPLE.replace("failure: open\n- name: nemo", "failure: maybe\n- name: nemo")))
                .hasMessageContaining("spec.steps[3].failure");
        assertThatThrownBy(() -> read(EXAMPLE.replace("templates/my-template", "my-template")))
                .hasMessageContaining("spec.steps[3].template");
        assertThatThrownBy(() -> read(EXAMPLE.replace("type: injection\n  action: block", "type: injection\n  action: redact")))
                .hasMessageContaining("expected one of block, log");
        assertThatThrownBy(() -> read(EXAMPLE.replace("name: topics", "name: pii")))
                .hasMessageContaining("two steps are named 'pii'");
    }
}
