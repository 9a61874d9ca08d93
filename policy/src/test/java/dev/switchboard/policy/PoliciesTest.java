package dev.switchboard.policy;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.config.ConfigLoader;
import org.junit.jupiter.api.Test;

class PoliciesTest {
    @Test
    void aGovernanceDocumentThisBuildDoesNotEnforceIsRefusedWhereItIsNotIgnored() throws Exception {
        var config = ConfigLoader.parse("""
                apiVersion: switchboard.dev/v1alpha1
                kind: ClientAuth
                metadata: {name: keys}
                spec: {virtualKeys: {file: keys.yaml}}
                """, "test.yaml");
        assertThatThrownBy(() -> Policies.build(config.policies()))
                .hasMessageContaining("test.yaml: document 1 (ClientAuth/keys)")
                .hasMessageContaining("not enforced by this build yet");
    }
}
