package dev.switchboard.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.LoadOptions;
import dev.switchboard.core.config.PoolConfig;
import dev.switchboard.core.config.SkippingLoader;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Status conditions of what the configuration read, written only where they change.
 *
 * <p>InferencePool ({@code inference.networking.k8s.io/v1}): one entry of {@code status.parents} for this gateway
 * (its {@code controllerName}; other controllers' entries are kept), with {@code Accepted} (reason {@code Accepted},
 * or {@code NotSupportedByParent} with the loader's message when the pool could not be read) and {@code ResolvedRefs}
 * ({@code ResolvedRefs}, or {@code InvalidExtensionRef} when its {@code endpointPickerRef} is what failed).
 * AIGatewayRoute: {@code status.conditions} with {@code Accepted} ({@code Accepted}, or {@code Invalid} and the
 * message). Routes this gateway does not serve (attached to other Gateways) are never written.
 */
final class StatusWriter {
    private static final Logger LOG = LoggerFactory.getLogger(StatusWriter.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final KubernetesClient client;
    private final Clock clock;
    private final String fallbackParent;

    /** {@code fallbackParent} names the parent in pool status when no Gateway API Gateway is served. */
    StatusWriter(KubernetesClient client, Clock clock, String fallbackParent) {
        this.client = client;
        this.clock = clock;
        this.fallbackParent = fallbackParent;
    }

    /** Writes what differs; false when a write failed (the caller tries again later). */
    boolean write(List<ClusterResource> resources, SkippingLoader.Result result) {
        GatewayConfig config = result.config();
        boolean ok = true;
        for (int i = 0; i < resources.size(); i++) {
            ClusterResource r = resources.get(i);
            String rejected = result.rejected().get(i);
            ObjectNode status = null;
            if (r.is("InferencePool")) {
                boolean loaded = config.pools().stream().map(PoolConfig::name).anyMatch(r.name()::equals);
                status = poolStatus(r, config, loaded ? null : rejected != null ? rejected : "not read");
            } else if (r.is("AIGatewayRoute") && (rejected != null || config.routeNames().contains(r.name()))) {
                status = routeStatus(r, rejected, config);
            }
            if (status != null && !sameConditions(status, r.status())) {
                ok &= patch(r, status);
            }
        }
        return ok;
    }

    private ObjectNode poolStatus(ClusterResource r, GatewayConfig config, String problem) {
        ObjectNode status = F.objectNode();
        ArrayNode parents = status.putArray("parents");
        JsonNode old = r.status() == null ? null : r.status().path("parents");
        JsonNode ownOld = null;
        if (old != null && old.isArray()) {
            for (JsonNode p : old) {
                if (LoadOptions.CONTROLLER_NAME.equals(p.path("controllerName").asText())) {
                    ownOld = p;
                } else if (!"Status".equals(p.path("parentRef").path("kind").asText())) { // the placeholder goes
                    parents.add(p.deepCopy());
                }
            }
        }
        ObjectNode own = parents.addObject();
        ObjectNode ref = own.putObject("parentRef");
        if (config.gateway() != null) {
            ref.put("group", "gateway.networking.k8s.io").put("kind", "Gateway").put("name", config.gateway());
        } else {
            ref.put("group", "switchboard.dev").put("kind", "Gateway").put("name", fallbackParent);
        }
        if (r.namespace() != null) {
            ref.put("namespace", r.namespace());
        }
        own.put("controllerName", LoadOptions.CONTROLLER_NAME);
        JsonNode previous = ownOld == null ? null : ownOld.path("conditions");
        ArrayNode conditions = own.putArray("conditions");
        conditions.add(condition("Accepted", problem == null, problem == null ? "Accepted" : "NotSupportedByParent",
                problem == null ? "The InferencePool is served by this Switchboard gateway" : problem,
                r.generation(), previous));
        boolean badRef = problem != null && problem.contains("endpointPickerRef");
        conditions.add(condition("ResolvedRefs", !badRef, badRef ? "InvalidExtensionRef" : "ResolvedRefs",
                badRef ? problem : "The endpoint picker is this gateway's own", r.generation(), previous));
        return status;
    }

    private ObjectNode routeStatus(ClusterResource r, String rejected, GatewayConfig config) {
        ObjectNode status = F.objectNode();
        long rules = config.rules().stream().filter(x -> x.route().equals(r.name())).count();
        status.putArray("conditions").add(condition("Accepted", rejected == null,
                rejected == null ? "Accepted" : "Invalid",
                rejected == null ? "Served by Switchboard: " + rules + " rule" + (rules == 1 ? "" : "s") : rejected,
                r.generation(), r.status() == null ? null : r.status().path("conditions")));
        return status;
    }

    /** A metav1.Condition; its transition time stays the previous one's while its status does not change. */
    private ObjectNode condition(String type, boolean ok, String reason, String message, long generation,
            JsonNode previous) {
        String status = ok ? "True" : "False";
        String since = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
        if (previous != null && previous.isArray()) {
            for (JsonNode p : previous) {
                if (type.equals(p.path("type").asText()) && status.equals(p.path("status").asText())
                        && p.hasNonNull("lastTransitionTime")) {
                    since = p.path("lastTransitionTime").asText();
                }
            }
        }
        ObjectNode c = F.objectNode();
        c.put("type", type).put("status", status).put("reason", reason)
                .put("message", message.length() > 32_000 ? message.substring(0, 32_000) : message)
                .put("lastTransitionTime", since);
        if (generation > 0) {
            c.put("observedGeneration", generation);
        }
        return c;
    }

    /** Equal but for the transition times (which {@link #condition} carries over when the status holds). */
    private static boolean sameConditions(JsonNode next, JsonNode current) {
        return current != null && next.equals(current);
    }

    private boolean patch(ClusterResource r, ObjectNode status) {
        try {
            var resources = client.genericKubernetesResources(r.kind().context());
            var one = r.namespace() == null ? resources.withName(r.name())
                    : resources.inNamespace(r.namespace()).withName(r.name());
            // a merge patch of the whole status on the status subresource: no read-modify-write, so a change to the
            // object between a read and the write (a user's apply, another writer) cannot make the patch stale
            // (editStatus's JSON patch, computed from a read, failed on the mock API server when it raced one)
            ObjectNode body = F.objectNode();
            body.set("status", status);
            one.subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), JSON.writeValueAsString(body));
            return true;
        } catch (KubernetesClientException | com.fasterxml.jackson.core.JsonProcessingException e) {
            LOG.warn("could not write the status of {} {}/{}: {} (tried again shortly)", r.kind().kind(),
                    r.namespace(), r.name(), e.getMessage());
            return false;
        }
    }
}
