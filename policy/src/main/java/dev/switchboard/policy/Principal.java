package dev.switchboard.policy;

import java.util.Map;
import java.util.Set;

/**
 * Who is calling, once authenticated: what it may use and what it may spend. Built by an authenticator (a virtual
 * key's record, a JWT's claims) and read by the limits and the access log. Holds no secret.
 *
 * @param id     stable id for limits, metrics and logs (a key's id, never the key; a token's subject)
 * @param source how it was authenticated
 * @param labels metadata that lands in metrics labels and the access log ({@code team}, {@code user}); small and
 *               bounded: an authenticator copies only the labels its config names
 * @param models the models it may call (exact names); empty for any
 * @param routes the route rules it may reach (by rule name); empty for any
 * @param quota  its request, token and money limits
 */
public record Principal(String id, Source source, Map<String, String> labels, Set<String> models, Set<String> routes,
        Quota quota) {
    public Principal {
        labels = Map.copyOf(labels);
        models = Set.copyOf(models);
        routes = Set.copyOf(routes);
    }

    /** Nobody in particular: a gateway with no client authentication configured. */
    public static final Principal ANONYMOUS = new Principal("anonymous", Source.ANONYMOUS, Map.of(), Set.of(), Set.of(),
            Quota.NONE);

    /** Whether it may call {@code model} through the rule named {@code route} (null when the rule has no name). */
    public boolean mayUse(String model, String route) {
        return (models.isEmpty() || models.contains(model)) && (routes.isEmpty() || route != null && routes.contains(route));
    }

    public enum Source { VIRTUAL_KEY, JWT, ANONYMOUS }
}
