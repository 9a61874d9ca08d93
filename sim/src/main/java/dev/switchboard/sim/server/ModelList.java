package dev.switchboard.sim.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** {@code GET /v1/models}: the served model and every loaded LoRA adapter, in vLLM's ModelCard shape. */
final class ModelList {
    private ModelList() {}

    static ByteBuf render(ByteBufAllocator alloc, SimEndpoint endpoint) {
        return ResponseJson.json(alloc, g -> {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            card(g, endpoint, endpoint.model, endpoint.model, null, endpoint.engine.config().maxModelLen());
            for (String adapter : endpoint.engine.adapters()) {
                card(g, endpoint, adapter, "/adapters/" + adapter, endpoint.model, null);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private static void card(com.fasterxml.jackson.core.JsonGenerator g, SimEndpoint endpoint, String id, String root,
            String parent, Integer maxModelLen) throws java.io.IOException {
        g.writeStartObject();
        g.writeStringField("id", id);
        g.writeStringField("object", "model");
        g.writeNumberField("created", endpoint.startedEpochSeconds);
        g.writeStringField("owned_by", "switchboard-sim");
        g.writeStringField("root", root);
        g.writeStringField("parent", parent);
        if (maxModelLen != null) {
            g.writeNumberField("max_model_len", maxModelLen);
        } else {
            g.writeNullField("max_model_len");
        }
        g.writeEndObject();
    }
}
