package dev.switchboard.extproc.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LbMetadataTest {
    @Test
    void thePrincipalJoinsThePicksNamespaceOrStandsAlone() {
        Struct picked = LbMetadata.withPrincipal(LbMetadata.destination("10.0.0.1:8000"), "3f2a9c4e1b7d8a60",
                Map.of("team", "search"));
        assertThat(picked.getFieldsCount()).isEqualTo(1);
        Struct lb = picked.getFieldsOrThrow("envoy.lb").getStructValue();
        assertThat(lb.getFieldsOrThrow("x-gateway-destination-endpoint").getStringValue()).isEqualTo("10.0.0.1:8000");
        assertThat(lb.getFieldsOrThrow("principal").getStringValue()).isEqualTo("3f2a9c4e1b7d8a60");
        assertThat(lb.getFieldsOrThrow("principal.team").getStringValue()).isEqualTo("search");

        Struct alone = LbMetadata.withPrincipal(null, "sub-1", Map.of()).getFieldsOrThrow("envoy.lb").getStructValue();
        assertThat(alone.getFieldsMap()).containsOnlyKeys("principal");
    }

    @Test
    void noHintMeansAnyEndpoint() {
        assertThat(LbMetadata.subsetHint(Metadata.getDefaultInstance())).isNull();
        Metadata otherKey = Metadata.newBuilder().putFilterMetadata("envoy.lb.subset_hint", Struct.newBuilder()
                .putFields("other", Value.newBuilder().setStringValue("x").build()).build()).build();
        assertThat(LbMetadata.subsetHint(otherKey)).isNull();
    }

    @Test
    void aListAnEmptyListAndAStringAreRead() {
        assertThat(LbMetadata.subsetHint(LbMetadata.subsetHintMetadata(List.of("10.0.0.1:8000", "10.0.0.2:8000"))))
                .containsExactly("10.0.0.1:8000", "10.0.0.2:8000");
        assertThat(LbMetadata.subsetHint(LbMetadata.subsetHintMetadata(List.of()))).isEmpty();
        Metadata asString = Metadata.newBuilder().putFilterMetadata("envoy.lb.subset_hint", Struct.newBuilder()
                .putFields("x-gateway-destination-endpoint-subset",
                        Value.newBuilder().setStringValue("10.0.0.1:8000, 10.0.0.3:8000").build()).build()).build();
        assertThat(LbMetadata.subsetHint(asString)).containsExactly("10.0.0.1:8000", "10.0.0.3:8000");
    }

    @Test
    void theServedEndpointIsReadFromEnvoyLb() {
        assertThat(LbMetadata.servedEndpoint(LbMetadata.servedMetadata("10.0.0.9:8000"))).isEqualTo("10.0.0.9:8000");
        assertThat(LbMetadata.servedEndpoint(Metadata.getDefaultInstance())).isNull();
    }
}
