package dev.switchboard.extproc.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.switchboard.core.error.ApiError;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessingResponsesTest {
    @Test
    void aBodyIsCutIntoPiecesOfAtMost62000BytesAndOnlyTheLastEndsTheStream() {
        byte[] bytes = new byte[62_000 * 2 + 5];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        List<ProcessingResponse> out = new ArrayList<>();
        ProcessingResponses.requestBody(ByteString.copyFrom(bytes), true, out::add);
        assertThat(out).hasSize(3);
        ByteString joined = ByteString.EMPTY;
        for (int i = 0; i < 3; i++) {
            var piece = out.get(i).getRequestBody().getResponse().getBodyMutation().getStreamedResponse();
            assertThat(piece.getEndOfStream()).isEqualTo(i == 2);
            joined = joined.concat(piece.getBody());
        }
        assertThat(joined.toByteArray()).isEqualTo(bytes);
    }

    @Test
    void anEmptyBodyIsOneEmptyPieceSoEnvoyLearnsItEnded() {
        List<ProcessingResponse> out = new ArrayList<>();
        ProcessingResponses.responseBody(ByteString.EMPTY, true, out::add);
        assertThat(out).hasSize(1);
        var piece = out.get(0).getResponseBody().getResponse().getBodyMutation().getStreamedResponse();
        assertThat(piece.getEndOfStream()).isTrue();
        assertThat(piece.getBody().isEmpty()).isTrue();
    }

    @Test
    void headersOverwriteAndTheRouteCacheIsCleared() {
        ProcessingResponse r = ProcessingResponses.requestHeaders(Map.of("x-gateway-destination-endpoint", "1.2.3.4:80"),
                LbMetadata.destination("1.2.3.4:80"));
        var common = r.getRequestHeaders().getResponse();
        assertThat(common.getClearRouteCache()).isTrue();
        HeaderValueOption h = common.getHeaderMutation().getSetHeaders(0);
        assertThat(h.getAppendAction()).isEqualTo(HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD);
        assertThat(h.getHeader().getRawValue().toStringUtf8()).isEqualTo("1.2.3.4:80");
        assertThat(r.getDynamicMetadata().getFieldsOrThrow("envoy.lb").getStructValue()
                .getFieldsOrThrow("x-gateway-destination-endpoint").getStringValue()).isEqualTo("1.2.3.4:80");
    }

    @Test
    void anImmediateResponseCarriesTheStatusTheOpenAiErrorAndAValidDetailsToken() {
        ProcessingResponse r = ProcessingResponses.immediate(ApiError.rateLimited("busy"), Map.of("retry-after", "1"));
        var ir = r.getImmediateResponse();
        assertThat(ir.getStatus().getCodeValue()).isEqualTo(429);
        assertThat(ir.getBody().toStringUtf8()).isEqualTo("{\"error\":{\"message\":\"busy\",\"type\":"
                + "\"rate_limit_error\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}");
        assertThat(ir.getDetails()).matches("[a-z_]+");
        assertThat(ir.getHeaders().getSetHeadersList()).extracting(o -> o.getHeader().getKey())
                .containsExactly("retry-after", "content-type");
    }
}
