package dev.switchboard.bench.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InferenceExchangeTest {
    private final List<RequestResult> results = new ArrayList<>();

    private static HttpResponse head(int status, String contentType) {
        HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        return res;
    }

    private static void content(InferenceExchange ex, String text, long nanos) {
        ByteBuf buf = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
        try {
            ex.onContent(buf, nanos);
        } finally {
            buf.release();
        }
    }

    private static String chunk(String content) {
        return "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + content + "\"}}]}\n\n";
    }

    @Test
    void streamedChatTimesTokensAndTakesUsage() {
        InferenceExchange ex = new InferenceExchange(true, results::add);
        ex.onSent(1_000_000);
        ex.onHead(head(200, "text/event-stream; charset=utf-8"), 2_000_000);
        content(ex, "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n", 3_000_000);
        String stream = chunk("the") + chunk(" kv") + chunk(" gpu");
        content(ex, stream.substring(0, 40), 11_000_000);
        content(ex, stream.substring(40, 100), 13_000_000);
        content(ex, stream.substring(100, 150), 14_000_000);
        content(ex, stream.substring(150) + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":4}}}\n\ndata: [DONE]\n\n", 16_000_000);
        ex.onEnd(17_000_000);

        assertThat(results).hasSize(1);
        RequestResult r = results.getFirst();
        assertThat(r.ok()).isTrue();
        assertThat(r.ttftNanos()).as("first non-empty content, after the role chunk").isEqualTo(12_000_000);
        assertThat(r.e2eNanos()).isEqualTo(16_000_000);
        assertThat(r.itlMicros()).containsExactly(1_000, 2_000);
        assertThat(r.outputTokens()).isEqualTo(3);
        assertThat(r.promptTokens()).isEqualTo(9);
        assertThat(r.cachedTokens()).isEqualTo(4);
        assertThat(r.reply()).isEqualTo("the kv gpu");
    }

    @Test
    void withoutUsageContentChunksAreCounted() {
        InferenceExchange ex = new InferenceExchange(false, results::add);
        ex.onSent(0);
        ex.onHead(head(200, "text/event-stream"), 1);
        content(ex, chunk("a") + chunk("b") + "data: [DONE]\n\n", 2);
        ex.onEnd(3);
        assertThat(results.getFirst().outputTokens()).isEqualTo(2);
        assertThat(results.getFirst().promptTokens()).isEqualTo(-1);
        assertThat(results.getFirst().reply()).isNull();
    }

    @Test
    void errorStatusIsClassifiedWithTheServersMessage() {
        InferenceExchange ex = new InferenceExchange(false, results::add);
        ex.onSent(0);
        ex.onHead(head(429, "application/json"), 1);
        content(ex, "{\"error\":{\"message\":\"slow down\",\"type\":\"x\",\"code\":429}}", 2);
        ex.onEnd(3);
        assertThat(results.getFirst().error()).isEqualTo(ErrorKind.HTTP_429);
        assertThat(results.getFirst().errorMessage()).isEqualTo("HTTP 429: slow down");
    }

    @Test
    void statusKinds() {
        assertThat(ErrorKind.ofStatus(404)).isEqualTo(ErrorKind.HTTP_4XX);
        assertThat(ErrorKind.ofStatus(503)).isEqualTo(ErrorKind.HTTP_5XX);
        assertThat(ErrorKind.ofStatus(302)).isEqualTo(ErrorKind.PROTOCOL);
    }

    @Test
    void badJsonInStreamIsAProtocolError() {
        InferenceExchange ex = new InferenceExchange(false, results::add);
        ex.onSent(0);
        ex.onHead(head(200, "text/event-stream"), 1);
        content(ex, "data: {nope\n\n", 2);
        ex.onEnd(3);
        assertThat(results.getFirst().error()).isEqualTo(ErrorKind.PROTOCOL);
    }

    @Test
    void emptyStreamIsAProtocolError() {
        InferenceExchange ex = new InferenceExchange(false, results::add);
        ex.onSent(0);
        ex.onHead(head(200, "text/event-stream"), 1);
        ex.onEnd(3);
        assertThat(results.getFirst().error()).isEqualTo(ErrorKind.PROTOCOL);
    }

    @Test
    void errorEventInsideAStream() {
        InferenceExchange ex = new InferenceExchange(false, results::add);
        ex.onSent(0);
        ex.onHead(head(200, "text/event-stream"), 1);
        content(ex, chunk("a") + "data: {\"error\":{\"message\":\"engine died\",\"code\":500}}\n\n", 2);
        ex.onEnd(3);
        assertThat(results.getFirst().error()).isEqualTo(ErrorKind.HTTP_5XX);
        assertThat(results.getFirst().errorMessage()).contains("engine died");
    }

    @Test
    void nonStreamedBodyCountsTokensFromUsage() {
        InferenceExchange ex = new InferenceExchange(true, results::add);
        ex.onSent(100);
        ex.onHead(head(200, "application/json"), 200);
        String body = "{\"choices\":[{\"message\":{\"content\":\"one two\"}}],\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":7}}";
        content(ex, body.substring(0, 20), 300);
        content(ex, body.substring(20), 400);
        ex.onEnd(500);
        RequestResult r = results.getFirst();
        assertThat(r.ok()).isTrue();
        assertThat(r.outputTokens()).isEqualTo(7);
        assertThat(r.ttftNanos()).isEqualTo(400);
        assertThat(r.itlMicros()).isEmpty();
        assertThat(r.reply()).isEqualTo("one two");
    }

    @Test
    void failureReportsOnce() {
        InferenceExchange ex = new InferenceExchange(false, results::add);
        ex.onFailure(ErrorKind.CONNECT, "Connection refused");
        assertThat(results).hasSize(1);
        assertThat(results.getFirst().error()).isEqualTo(ErrorKind.CONNECT);
        assertThat(results.getFirst().e2eNanos()).isEqualTo(-1);
    }
}
