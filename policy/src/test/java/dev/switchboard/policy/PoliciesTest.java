package dev.switchboard.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.config.ConfigLoader;
import org.junit.jupiter.api.Test;

class PoliciesTest {
    @Test
    void aGovernanceDocumentThisBuildDoesNotEnforceIsRefusedWhereItIsNotIgnored() throws Exception {
        var config = ConfigLoader.parse("""
                apiVersion: switchboard.dev/v1alpha1
                kind: Guardrail
                metadata: {name: chat}
                spec: {steps: []}
                """, "test.yaml");
        assertThatThrownBy(() -> Policies.check(config.policies()))
                .hasMessageContaining("test.yaml: document 1 (Guardrail/chat)")
                .hasMessageContaining("not enforced by this build yet");
    }

    @Test
    void noDocumentsMeanNoAuthentication() throws Exception {
        Policies none = Policies.start(ConfigLoader.parse("", "empty.yaml").policies(), name -> null,
                java.time.Clock.systemUTC());
        assertThat(none.authenticates()).isFalse();
        assertThat(none.authenticator()).isNull();
    }
}
