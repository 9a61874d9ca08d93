package dev.switchboard.gateway.handler;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import dev.switchboard.core.config.ApiSchema;
import dev.switchboard.gateway.routing.Router;
import dev.switchboard.providers.ClientPaths;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;

/**
 * The model list: every model a route serves by name, aliases included, in the shape of the client's API: OpenAI's
 * ({@code GET /v1/models}), Anthropic's (the same path with an {@code anthropic-version} header, as Anthropic's SDKs
 * send it, or under {@code /anthropic}), Gemini's ({@code GET /v1beta/models}).
 */
final class ModelList {
    private static final JsonFactory JSON = new JsonFactory();
    /** A fixed creation time: the models are the configuration's, not the process's. */
    private static final long CREATED = 1_700_000_000L;
    private static final String CREATED_AT = "2023-11-14T22:13:20Z"; // the same instant

    private ModelList() {}

    /** The list's shape for a request to {@code uri} with {@code headers}. */
    static ApiSchema.Family shapeFor(String uri, HttpHeaders headers) {
        if (uri.startsWith(Api.GEMINI_MODELS)) {
            return ApiSchema.Family.GEMINI;
        }
        return uri.startsWith(ClientPaths.ANTHROPIC_PREFIX + "/") || headers.contains("anthropic-version")
                ? ApiSchema.Family.ANTHROPIC : ApiSchema.Family.OPENAI;
    }

    static byte[] json(List<Router.ListedModel> models, ApiSchema.Family shape) {
        return switch (shape) {
            case ANTHROPIC -> anthropic(models);
            case GEMINI -> gemini(models);
            default -> json(models);
        };
    }

    /** Anthropic's {@code {"data":[{"type":"model",...}],"has_more","first_id","last_id"}}. */
    private static byte[] anthropic(List<Router.ListedModel> models) {
        return write(64 + models.size() * 128, g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("data");
            for (Router.ListedModel m : models) {
                g.writeStartObject();
                g.writeStringField("type", "model");
                g.writeStringField("id", m.id());
                g.writeStringField("display_name", m.id());
                g.writeStringField("created_at", CREATED_AT);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeBooleanField("has_more", false);
            g.writeStringField("first_id", models.isEmpty() ? null : models.get(0).id());
            g.writeStringField("last_id", models.isEmpty() ? null : models.get(models.size() - 1).id());
            g.writeEndObject();
        });
    }

    /** Gemini's {@code {"models":[{"name":"models/...","supportedGenerationMethods":[...]}]}}. */
    private static byte[] gemini(List<Router.ListedModel> models) {
        return write(64 + models.size() * 160, g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("models");
            for (Router.ListedModel m : models) {
                g.writeStartObject();
                g.writeStringField("name", "models/" + m.id());
                g.writeStringField("displayName", m.id());
                g.writeArrayFieldStart("supportedGenerationMethods");
                g.writeString("generateContent");
                g.writeString("streamGenerateContent");
                g.writeString("countTokens");
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] write(int size, Writer w) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            w.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** OpenAI's {@code {"object":"list","data":[{"id","object":"model","created","owned_by"}]}}. */
    static byte[] json(List<Router.ListedModel> models) {
        return write(64 + models.size() * 96, g -> {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            for (Router.ListedModel m : models) {
                g.writeStartObject();
                g.writeStringField("id", m.id());
                g.writeStringField("object", "model");
                g.writeNumberField("created", CREATED);
                g.writeStringField("owned_by", m.ownedBy());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }
}
