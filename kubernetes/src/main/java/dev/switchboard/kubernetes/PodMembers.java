package dev.switchboard.kubernetes;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The Pods an InferencePool may select, as the {@code Endpoints} document a file would hold: every ready Pod with an
 * IP, with its labels. The pool's selector and target ports then pick members exactly as they do from a file.
 *
 * <p>Each member also carries {@value #NAMESPACE_LABEL} and each pool's selector is given the same label with its own
 * namespace ({@link #scopePool}), so a pool never selects a Pod of another namespace when several are watched.
 */
final class PodMembers {
    static final String NAMESPACE_LABEL = "switchboard.dev/namespace";
    static final String DOCUMENT_NAME = "kubernetes-pods";

    private PodMembers() {}

    /** Ready: the kubelet says so, it has an IP, and it is not being deleted (it stops taking requests then). */
    static boolean ready(Pod p) {
        if (p.getMetadata().getDeletionTimestamp() != null || p.getStatus() == null
                || p.getStatus().getPodIP() == null || p.getStatus().getPodIP().isEmpty()) {
            return false;
        }
        List<PodCondition> conditions = p.getStatus().getConditions();
        return conditions != null && conditions.stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** The Endpoints document of {@code pods}' ready ones, in a stable order (so an unchanged set compares equal). */
    static ObjectNode document(Collection<Pod> pods) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode doc = json.objectNode();
        doc.put("apiVersion", "switchboard.dev/v1alpha1");
        doc.put("kind", "Endpoints");
        doc.putObject("metadata").put("name", DOCUMENT_NAME);
        ArrayNode endpoints = doc.putObject("spec").putArray("endpoints");
        pods.stream().filter(PodMembers::ready)
                .sorted(Comparator.comparing((Pod p) -> p.getMetadata().getNamespace())
                        .thenComparing(p -> p.getMetadata().getName()))
                .forEach(p -> {
                    ObjectNode e = endpoints.addObject();
                    e.put("name", p.getMetadata().getNamespace() + "/" + p.getMetadata().getName());
                    e.put("address", p.getStatus().getPodIP());
                    ObjectNode labels = e.putObject("labels");
                    Map<String, String> own = p.getMetadata().getLabels();
                    if (own != null) {
                        own.entrySet().stream().sorted(Map.Entry.comparingByKey())
                                .forEach(l -> labels.put(l.getKey(), l.getValue()));
                    }
                    labels.put(NAMESPACE_LABEL, p.getMetadata().getNamespace());
                });
        return doc;
    }

    /** Restricts an InferencePool document's selector to its own namespace (see the class comment). */
    static void scopePool(ObjectNode pool, String namespace) {
        var match = pool.path("spec").path("selector").path("matchLabels");
        if (match instanceof ObjectNode labels && namespace != null) {
            labels.put(NAMESPACE_LABEL, namespace);
        }
    }
}
