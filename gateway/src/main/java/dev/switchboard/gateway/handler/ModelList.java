package dev.switchboard.gateway.handler;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import dev.switchboard.gateway.routing.Router;
import java.util.List;

/** {@code GET /v1/models}: every model a route serves by name, aliases included, in the OpenAI list shape. */
final class ModelList {
    private static final JsonFactory JSON = new JsonFactory();
    /** A fixed creation time: the models are the configuration's, not the process's. */
    private static final long CREATED = 1_700_000_000L;

    private ModelList() {}

    static byte[] json(List<Router.ListedModel> models) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + models.size() * 96);
        try (JsonGenerator g = JSON.createGenerator(out)) {
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
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
