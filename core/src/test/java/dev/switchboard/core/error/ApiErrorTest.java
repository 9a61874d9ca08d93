package dev.switchboard.core.error;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ApiErrorTest {

    @Test
    void rendersTheOpenAiErrorShapeWithNullsKept() throws Exception {
        JsonNode json = new ObjectMapper().readTree(ApiError.badRequest("bad \"quote\"", "max_tokens").toJson());

        assertThat(json.path("error").path("message").asText()).isEqualTo("bad \"quote\"");
        assertThat(json.path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(json.path("error").path("param").asText()).isEqualTo("max_tokens");
        assertThat(json.path("error").has("code")).isTrue();
        assertThat(json.path("error").path("code").isNull()).isTrue();
    }
}
