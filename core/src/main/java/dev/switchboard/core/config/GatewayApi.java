package dev.switchboard.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The Gateway API kinds ({@code gateway.networking.k8s.io/v1}) a configuration may hold: {@code GatewayClass},
 * {@code Gateway} (its listener becomes the gateway's) and the {@code parentRefs} by which routes attach to a
 * Gateway. Which Gateway is served, and so which routes, is decided here; the rest of the loader sees the result.
 */
final class GatewayApi {
    static final String GROUP = "gateway.networking.k8s.io";

    private GatewayApi() {}

    record GatewayClass(String name, String controllerName) {}

    /** A Gateway: its one HTTP listener's name and port. */
    record Gateway(String name, String namespace, String className, String listenerName, int port, Fields at) {}

    /** A route's {@code parentRefs} entry (kind Gateway; namespace and sectionName null when unset). */
    record ParentRef(String name, String namespace, String sectionName) {}

    static GatewayClass gatewayClass(String name, Fields spec, Consumer<String> notes) throws ConfigException {
        spec.only("controllerName", "parametersRef", "description");
        if (spec.has("parametersRef")) {
            notes.accept("GatewayClass '" + name + "': parametersRef is for the controller that provisions"
                    + " infrastructure; Switchboard does not read it");
        }
        return new GatewayClass(name, spec.string("controllerName"));
    }

    static Gateway gateway(String name, String namespace, Fields spec, Consumer<String> notes) throws ConfigException {
        spec.only("gatewayClassName", "listeners", "addresses", "infrastructure", "backendTLS", "allowedListeners");
        for (String provisioning : new String[] {"addresses", "infrastructure"}) {
            if (spec.has(provisioning)) {
                notes.accept("Gateway '" + name + "': " + provisioning + " is for the infrastructure that runs the"
                        + " gateway (a Service, a load balancer); Switchboard does not read it");
            }
        }
        if (spec.has("backendTLS")) {
            throw spec.error("backendTLS", "is not supported yet; set TLS to a backend on its Backend (spec.tls)");
        }
        if (spec.has("allowedListeners")) {
            throw spec.error("allowedListeners", "is not supported: ListenerSets do not attach to a Switchboard Gateway");
        }
        List<Fields> listeners = spec.list("listeners", l -> l);
        if (listeners.size() != 1) {
            throw spec.error("listeners", "Switchboard serves one listener per Gateway today; got " + listeners.size()
                    + " (run one gateway per listener, or put the ports on one)");
        }
        Fields l = listeners.get(0).only("name", "protocol", "port", "hostname", "tls", "allowedRoutes");
        String protocol = l.string("protocol");
        if (!protocol.equals("HTTP")) {
            throw l.error("protocol", "expected HTTP, got '" + protocol + "'" + (protocol.equals("HTTPS")
                    ? " (a TLS listener's certificateRefs are not read yet: terminate TLS in front, or give the"
                    + " switchboard.dev Gateway tls.certFile and tls.keyFile)" : ""));
        }
        if (l.has("tls")) {
            throw l.error("tls", "is for HTTPS listeners, which are not supported yet");
        }
        if (l.has("hostname")) {
            notes.accept("Gateway '" + name + "': listener hostname is not matched; the listener serves every host");
        }
        if (l.has("allowedRoutes")) {
            notes.accept("Gateway '" + name + "': allowedRoutes is not applied; routes attach by their parentRefs");
        }
        return new Gateway(name, namespace, spec.string("gatewayClassName"), l.string("name"),
                l.integer("port", 0, 1, 65535), spec);
    }

    /**
     * The Gateway to serve, or null when there is none to serve. In the Kubernetes mode only Gateways whose class
     * names {@code options.controllerName()} are candidates (the others belong to other controllers); a file's
     * Gateway is served whatever its class says, with a note when the class is someone else's.
     */
    static Gateway served(Map<String, GatewayClass> classes, List<Gateway> gateways, LoadOptions options,
            Consumer<String> notes) throws ConfigException {
        List<Gateway> candidates = new ArrayList<>();
        for (Gateway g : gateways) {
            GatewayClass c = classes.get(g.className());
            if (options.cluster()) {
                if (c != null && c.controllerName().equals(options.controllerName())) {
                    candidates.add(g);
                }
                continue;
            }
            if (c != null && !c.controllerName().equals(LoadOptions.CONTROLLER_NAME)) {
                notes.accept("Gateway '" + g.name() + "': its GatewayClass '" + c.name() + "' names controller '"
                        + c.controllerName() + "'; this file is served by Switchboard all the same");
            }
            candidates.add(g);
        }
        if (options.gatewayName() != null) {
            for (Gateway g : candidates) {
                if (g.name().equals(options.gatewayName())) {
                    return g;
                }
            }
            throw new ConfigException("no Gateway named '" + options.gatewayName() + "'"
                    + (options.cluster() ? " of a GatewayClass with controllerName " + options.controllerName() : "")
                    + (candidates.isEmpty() ? "" : "; Gateways: " + String.join(", ",
                    candidates.stream().map(Gateway::name).toList())));
        }
        if (candidates.size() > 1) {
            throw new ConfigException("several Gateways to serve (" + String.join(", ",
                    candidates.stream().map(Gateway::name).toList()) + "); choose one with --gateway NAME");
        }
        return candidates.isEmpty() ? null : candidates.get(0);
    }

    static List<ParentRef> parentRefs(Fields spec) throws ConfigException {
        return spec.list("parentRefs", r -> {
            r.only("group", "kind", "name", "namespace", "sectionName", "port");
            String kind = r.optionalString("kind", "Gateway");
            String group = r.optionalString("group", GROUP);
            if (!kind.equals("Gateway") || !group.equals(GROUP)) {
                throw r.error("kind", "expected a Gateway (" + GROUP + "), got " + kind + " (" + group + ")");
            }
            if (r.has("port")) {
                throw r.error("port", "is not supported: a route attaches to a Gateway or one of its listeners"
                        + " (sectionName)");
            }
            return new ParentRef(r.string("name"), r.optionalString("namespace", null),
                    r.optionalString("sectionName", null));
        });
    }

    /** Whether one of a route's {@code refs} (the route in {@code namespace}) names the {@code served} Gateway. */
    static boolean attached(List<ParentRef> refs, String namespace, Gateway served) {
        for (ParentRef r : refs) {
            String ns = r.namespace() != null ? r.namespace() : namespace;
            if (r.name().equals(served.name()) && (ns == null || served.namespace() == null
                    || Objects.equals(ns, served.namespace()))
                    && (r.sectionName() == null || r.sectionName().equals(served.listenerName()))) {
                return true;
            }
        }
        return false;
    }
}
