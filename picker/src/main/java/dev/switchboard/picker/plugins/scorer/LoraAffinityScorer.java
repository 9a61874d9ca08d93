package dev.switchboard.picker.plugins.scorer;

import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.picker.scheduling.PickRequest;
import dev.switchboard.picker.scheduling.Scorer;
import dev.switchboard.picker.scheduling.TypedName;
import java.util.List;

/**
 * Type {@value #TYPE}: favours endpoints where the request's model (a LoRA adapter) is already loaded. Scores, from
 * {@code vllm:lora_requests_info}, in this order: 1.0 the adapter is running there; 0.8 it is not, but a slot is
 * free (running + waiting adapters below max_lora); 0.6 it is waiting there; 0 otherwise, or when the endpoint
 * reports nothing about adapters. As in the reference EPP, a base-model request is scored the same way (it is never
 * "running" as an adapter), so weight this scorer only in pools that serve adapters. No parameters.
 */
public final class LoraAffinityScorer implements Scorer {
    public static final String TYPE = "lora-affinity-scorer";
    static final double ACTIVE = 1.0;
    static final double FREE_SLOT = 0.8;
    static final double WAITING = 0.6;

    private final TypedName name;

    public LoraAffinityScorer(String name) {
        this.name = new TypedName(TYPE, name);
    }

    @Override
    public TypedName typedName() {
        return name;
    }

    @Override
    public void score(PickRequest request, List<EndpointState> endpoints, double[] scores) {
        String adapter = request.model();
        for (int i = 0; i < endpoints.size(); i++) {
            var m = endpoints.get(i).metrics();
            if (m == null || m.maxLoras() < 0) {
                scores[i] = 0;
            } else if (m.runningAdapters().contains(adapter)) {
                scores[i] = ACTIVE;
            } else if (m.runningAdapters().size() + m.waitingAdapters().size() < m.maxLoras()) {
                scores[i] = FREE_SLOT;
            } else if (m.waitingAdapters().contains(adapter)) {
                scores[i] = WAITING;
            } else {
                scores[i] = 0;
            }
        }
    }
}
