package dev.switchboard.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.switchboard.bench.client.Origin;
import dev.switchboard.bench.scenario.ChatMessage;
import dev.switchboard.bench.scenario.RequestSpec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Turns a {@link RequestSpec} into an OpenAI chat or completions request: {@code max_tokens} with
 * {@code ignore_eos} (so the output length is exact on vLLM-compatible servers), and when streaming
 * {@code stream_options.include_usage} for exact token counts. Headers are built once and copied per request.
 */
final class RequestEncoder {
    private static final JsonFactory JSON = new JsonFactory();
    /** Initial body buffer; a few thousand tokens of prompt fit without growing. */
    private static final int INITIAL_BODY_BYTES = 4096;

    private final BenchConfig config;
    private final Target target;
    private final ByteBufAllocator alloc;
    private final HttpHeaders inferenceHeaders;

    RequestEncoder(BenchConfig config, Target target, ByteBufAllocator alloc) {
        this.config = config;
        this.target = target;
        this.alloc = alloc;
        HttpHeaders h = baseHeaders(target.origin());
        h.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        h.set(HttpHeaderNames.ACCEPT, config.stream() ? "text/event-stream" : "application/json");
        config.headers().forEach(h::set);
        this.inferenceHeaders = h;
    }

    /** The POST for {@code spec} to the first target; the caller owns the returned request. */
    FullHttpRequest encode(RequestSpec spec) {
        return encode(spec, target.origin());
    }

    /** The POST for {@code spec} to {@code to}, one of the targets; the caller owns the returned request. */
    FullHttpRequest encode(RequestSpec spec, Origin to) {
        ByteBuf body = alloc.buffer(INITIAL_BODY_BYTES);
        try (JsonGenerator g = JSON.createGenerator((OutputStream) new ByteBufOutputStream(body))) {
            g.writeStartObject();
            g.writeStringField("model", spec.model());
            if (config.api() == BenchConfig.Api.CHAT) {
                g.writeArrayFieldStart("messages");
                for (ChatMessage m : spec.messages()) {
                    g.writeStartObject();
                    g.writeStringField("role", m.role());
                    g.writeStringField("content", m.content());
                    g.writeEndObject();
                }
                g.writeEndArray();
            } else {
                g.writeStringField("prompt", spec.promptText());
            }
            g.writeNumberField("max_tokens", spec.maxTokens());
            g.writeBooleanField("ignore_eos", true);
            g.writeBooleanField("stream", config.stream());
            if (config.stream()) {
                g.writeObjectFieldStart("stream_options");
                g.writeBooleanField("include_usage", true);
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            body.release(); // never handed on: we are the last holder
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            body.release();
            throw e;
        }
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, target.apiPath(), body,
                new DefaultHttpHeaders().set(inferenceHeaders), new DefaultHttpHeaders());
        req.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        if (!to.equals(target.origin())) {
            req.headers().set(HttpHeaderNames.HOST, to.hostHeader());
        }
        return req;
    }

    /** A GET of {@code page}; credentials and extra headers go only to the target itself. */
    FullHttpRequest get(Target.Page page) {
        HttpHeaders h = baseHeaders(page.origin());
        if (page.origin().equals(target.origin())) {
            config.headers().forEach(h::set);
        }
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, page.path(),
                Unpooled.EMPTY_BUFFER, h, new DefaultHttpHeaders());
        req.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        return req;
    }

    private HttpHeaders baseHeaders(Origin origin) {
        HttpHeaders h = new DefaultHttpHeaders();
        h.set(HttpHeaderNames.HOST, origin.hostHeader());
        h.set(HttpHeaderNames.USER_AGENT, "switchboard-bench/0.1");
        if (config.apiKey() != null && origin.equals(target.origin())) {
            h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + config.apiKey());
        }
        return h;
    }
}
