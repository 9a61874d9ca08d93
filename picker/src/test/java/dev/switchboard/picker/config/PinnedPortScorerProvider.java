package dev.switchboard.picker.config;

import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.picker.scheduling.PickRequest;
import dev.switchboard.picker.scheduling.Scorer;
import dev.switchboard.picker.scheduling.TypedName;
import java.util.List;
import java.util.Map;

/**
 * A third-party provider as a user would write one, registered in this module's test resources
 * ({@code META-INF/services/dev.switchboard.picker.config.PluginProvider}): type {@value #TYPE} scores 1 for the
 * endpoints on port {@code port} (required), 0 for the others.
 */
public final class PinnedPortScorerProvider implements PluginProvider {
    static final String TYPE = "pinned-port-scorer";

    record PinnedPortScorer(TypedName typedName, int port) implements Scorer {
        @Override
        public void score(PickRequest request, List<EndpointState> endpoints, double[] scores) {
            for (int i = 0; i < endpoints.size(); i++) {
                scores[i] = endpoints.get(i).endpoint().port() == port ? 1 : 0;
            }
        }
    }

    @Override
    public Map<String, PluginFactory> plugins() {
        return Map.of(TYPE, (name, p) -> {
            p.only("port");
            if (!p.has("port")) {
                throw p.error("port", "required: the port to favour");
            }
            return new PinnedPortScorer(new TypedName(TYPE, name), p.integer("port", 0, 1, 65535));
        });
    }
}
