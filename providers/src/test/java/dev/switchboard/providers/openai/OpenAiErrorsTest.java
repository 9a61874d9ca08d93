package dev.switchboard.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.error.ApiError;
import dev.switchboard.providers.chat.ChatError;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OpenAiErrorsTest {
    private final OpenAiChatCodec codec = new OpenAiChatCodec();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void openAiErrorBodyKeepsMessageAndParamAndTheStatusDecidesTheKind() {
        ChatError e = codec.decodeError(404, bytes("""
                {"error":{"message":"The model `gpt-9` does not exist or you do not have access to it.",
                 "type":"invalid_request_error","param":null,"code":"model_not_found"}}"""));
        assertThat(e).isEqualTo(new ChatError(404, ChatError.Kind.NOT_FOUND,
                "The model `gpt-9` does not exist or you do not have access to it.", null));
        ChatError p = codec.decodeError(400, bytes("""
                {"error":{"message":"Invalid value for 'temperature'.","type":"invalid_request_error",
                 "param":"temperature","code":"invalid_value"}}"""));
        assertThat(p).isEqualTo(ChatError.invalid("Invalid value for 'temperature'.", "temperature"));
        assertThat(codec.decodeError(429, bytes("""
                {"error":{"message":"You exceeded your current quota","type":"insufficient_quota","param":null,
                 "code":"insufficient_quota"}}""")).kind()).isEqualTo(ChatError.Kind.RATE_LIMIT);
    }

    @Test
    void vllmAndOllamaErrorBodies() {
        assertThat(codec.decodeError(400, bytes("""
                {"object":"error","message":"This model's maximum context length is 4096 tokens.",
                 "type":"BadRequestError","param":null,"code":400}""")))
                .isEqualTo(ChatError.invalid("This model's maximum context length is 4096 tokens.", null));
        assertThat(codec.decodeError(404, bytes("{\"error\":\"model 'llama9' not found\"}")))
                .isEqualTo(new ChatError(404, ChatError.Kind.NOT_FOUND, "model 'llama9' not found", null));
    }

    @Test
    void emptyHtmlAndForeignBodiesFallBackToTheStatusAndAnExcerpt() {
        assertThat(codec.decodeError(503, new byte[0])).isEqualTo(new ChatError(503, ChatError.Kind.OVERLOADED,
                "the OpenAI-compatible backend answered 503: (empty body)", null));
        assertThat(codec.decodeError(502, bytes("<html>\n<body>Bad   Gateway</body>\n</html>"))).isEqualTo(
                new ChatError(502, ChatError.Kind.SERVER,
                        "the OpenAI-compatible backend answered 502: <html> <body>Bad Gateway</body> </html>", null));
        ChatError anthropic = codec.decodeError(529, bytes("""
                {"type":"error","error":{"type":"overloaded_error"}}"""));
        assertThat(anthropic.kind()).isEqualTo(ChatError.Kind.OVERLOADED);
        assertThat(anthropic.message()).startsWith("the OpenAI-compatible backend answered 529: {\"type\":\"error\"");
        String longBody = "x".repeat(5000);
        assertThat(codec.decodeError(500, bytes(longBody)).message()).hasSizeLessThan(260).endsWith("…");
    }

    @Test
    void encodedErrorsHaveOpenAisShapeAndCoresTypeWords() throws Exception {
        assertThat(json.readTree(codec.encodeError(ChatError.invalid("messages must be an array", "messages"))))
                .isEqualTo(json.readTree(ApiError.badRequest("messages must be an array", "messages").toJson()));
        assertThat(json.readTree(codec.encodeError(new ChatError(429, ChatError.Kind.RATE_LIMIT, "slow down", null))))
                .isEqualTo(json.readTree(ApiError.rateLimited("slow down").toJson()));
        assertThat(json.readTree(codec.encodeError(new ChatError(503, ChatError.Kind.OVERLOADED, "busy", null))))
                .isEqualTo(json.readTree(ApiError.serverError(503, "busy").toJson()));
        assertThat(json.readTree(codec.encodeError(new ChatError(500, ChatError.Kind.SERVER, "boom", null))))
                .isEqualTo(json.readTree(ApiError.serverError(500, "boom").toJson()));
        assertThat(json.readTree(codec.encodeError(new ChatError(401, ChatError.Kind.AUTHENTICATION, "bad key", null))))
                .isEqualTo(json.readTree("""
                        {"error":{"message":"bad key","type":"authentication_error","param":null,"code":null}}"""));
        assertThat(json.readTree(codec.encodeError(new ChatError(403, ChatError.Kind.PERMISSION, "no", null)))
                .path("error").path("type").asText()).isEqualTo("permission_error");
        assertThat(json.readTree(codec.encodeError(new ChatError(404, ChatError.Kind.NOT_FOUND, "no", null)))
                .path("error").path("type").asText()).isEqualTo("not_found_error");
    }

    @Test
    void anEncodedErrorDecodesBackToItself() {
        for (ChatError.Kind k : ChatError.Kind.values()) {
            int status = switch (k) {
                case INVALID_REQUEST -> 400;
                case AUTHENTICATION -> 401;
                case PERMISSION -> 403;
                case NOT_FOUND -> 404;
                case RATE_LIMIT -> 429;
                case OVERLOADED -> 503;
                case SERVER -> 500;
            };
            ChatError e = new ChatError(status, k, "m", k == ChatError.Kind.INVALID_REQUEST ? "tools[0]" : null);
            assertThat(codec.decodeError(status, codec.encodeError(e))).isEqualTo(e);
        }
    }

    @Test
    void contentTypes() {
        assertThat(codec.contentType(true)).isEqualTo("text/event-stream");
        assertThat(codec.contentType(false)).isEqualTo("application/json");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
