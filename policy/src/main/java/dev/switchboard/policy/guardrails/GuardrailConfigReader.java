package dev.switchboard.policy.guardrails;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.Fields;
import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the spec of a {@code Guardrail} document ({@code switchboard.dev/v1alpha1}) into a {@link GuardrailConfig}.
 * Steps run in the order listed (first runs first). Every field is checked; unknown ones are errors naming their
 * path.
 *
 * <pre>{@code
 * apiVersion: switchboard.dev/v1alpha1
 * kind: Guardrail
 * metadata:
 *   name: chat-guardrails
 * spec:
 *   targetRefs:
 *   - name: chat                 # AIGatewayRoute names
 *   responseWindow: 200          # characters a streamed response may be held back (default 200)
 *   audit:
 *     includeText: false         # put the prompt's text in audit lines (default false)
 *   steps:
 *   - name: injection
 *     type: injection            # the built-in prompt-injection and jailbreak rules
 *     action: block              # block | log
 *     threshold: 0.5             # score in (0, 1] at which to act (default 0.5)
 *     roles: [user, tool]        # which segments to score (default user, tool)
 *   - name: pii
 *     type: pii
 *     action: redact             # block | redact | log
 *     kinds: [email, phone, card, iban, secret]   # default: all
 *     roles: [user, tool]        # default: system, user, assistant, tool
 *   - name: topics
 *     type: patterns
 *     action: block
 *     patterns:                  # RE2 syntax (linear time; no backreferences or lookaround)
 *     - {id: codename, regex: "(?i)project\\s+bluebird"}
 *     phrases:                   # banned topics: literal, case-insensitive, on word boundaries
 *     - {id: competitor, phrase: "acme corp"}
 *   - name: armor
 *     type: model-armor
 *     action: block              # block | redact (uses Model Armor's de-identified text) | log
 *     endpoint: https://modelarmor.us-central1.rep.googleapis.com
 *     template: projects/my-project/locations/us-central1/templates/my-template
 *     tokenEnv: MODEL_ARMOR_TOKEN   # an OAuth access token, sent as a bearer token
 *     timeout: 500ms             # default 1s
 *     failure: open              # open (let through, audited) | closed (refuse); default closed
 *   - name: nemo
 *     type: nemo-guardrails
 *     action: block
 *     endpoint: http://nemo-guardrails:8000
 *     configId: content_safety
 *     model: meta/llama-3.1-8b-instruct   # optional, for self-check rails
 *     timeout: 2s
 *     failure: open
 * }</pre>
 */
public final class GuardrailConfigReader {
    /** The document kind, for ConfigLoader. */
    public static final String KIND = "Guardrail";

    private GuardrailConfigReader() {}

    public static GuardrailConfig read(String name, Fields spec) throws ConfigException {
        spec.only("targetRefs", "responseWindow", "audit", "steps");
        List<String> routes = spec.list("targetRefs", r -> {
            r.only("name", "kind", "group");
            String kind = r.optionalString("kind", "AIGatewayRoute");
            if (!kind.equals("AIGatewayRoute")) {
                throw r.error("kind", "expected AIGatewayRoute, got '" + kind + "'");
            }
            return r.string("name");
        });
        if (routes.isEmpty()) {
            throw spec.error("targetRefs", "required: the AIGatewayRoutes whose traffic this chain checks");
        }
        int window = spec.integer("responseWindow", WindowedStreamGuard.DEFAULT_WINDOW, 1, 65_536);
        boolean includeText = spec.optionalObject("audit").only("includeText").bool("includeText", false);
        List<GuardrailConfig.Step> steps = spec.list("steps", GuardrailConfigReader::step);
        if (steps.isEmpty()) {
            throw spec.error("steps", "required: at least one step");
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < steps.size(); i++) {
            if (!names.add(steps.get(i).name())) {
                throw spec.error("steps", "two steps are named '" + steps.get(i).name() + "'; names must be unique");
            }
        }
        return new GuardrailConfig(name, routes, window, includeText, steps);
    }

    private static GuardrailConfig.Step step(Fields f) throws ConfigException {
        String type = f.string("type");
        String name = f.string("name");
        return switch (type) {
            case "injection" -> {
                f.only("name", "type", "action", "threshold", "roles");
                Action a = action(f, Action.BLOCK, Action.LOG);
                yield new GuardrailConfig.InjectionStep(name, a, f.number("threshold",
                        InjectionGuardrail.DEFAULT_THRESHOLD, 0.01, 1), roles(f, EnumSet.of(PromptText.Role.USER,
                        PromptText.Role.TOOL)));
            }
            case "pii" -> {
                f.only("name", "type", "action", "kinds", "roles");
                Set<PiiKind> kinds = EnumSet.noneOf(PiiKind.class);
                for (String k : f.strings("kinds")) {
                    kinds.add(pii(f, k));
                }
                yield new GuardrailConfig.PiiStep(name, action(f, Action.BLOCK, Action.REDACT, Action.LOG),
                        kinds.isEmpty() ? EnumSet.allOf(PiiKind.class) : kinds,
                        roles(f, EnumSet.allOf(PromptText.Role.class)));
            }
            case "patterns" -> {
                f.only("name", "type", "action", "patterns", "phrases", "roles");
                List<RuleGuardrail.PatternSpec> specs = new java.util.ArrayList<>(f.list("patterns",
                        p -> new RuleGuardrail.PatternSpec(p.only("id", "regex").string("id"), p.string("regex"), false)));
                specs.addAll(f.list("phrases", p -> new RuleGuardrail.PatternSpec(p.only("id", "phrase").string("id"),
                        p.string("phrase"), true)));
                if (specs.isEmpty()) {
                    throw f.error("patterns", "required: at least one pattern or phrase");
                }
                Action a = action(f, Action.BLOCK, Action.REDACT, Action.LOG);
                Set<PromptText.Role> roles = roles(f, EnumSet.allOf(PromptText.Role.class));
                try {
                    RuleGuardrail.patterns(name, specs, a, roles);
                } catch (IllegalArgumentException e) {
                    throw f.error("patterns", e.getMessage());
                }
                yield new GuardrailConfig.PatternStep(name, a, specs, roles);
            }
            case "model-armor", "nemo-guardrails" -> callout(f, name, type);
            default -> throw f.error("type", "unknown type '" + type
                    + "'; expected one of injection, pii, patterns, model-armor, nemo-guardrails");
        };
    }

    private static GuardrailConfig.Step callout(Fields f, String name, String type) throws ConfigException {
        boolean armor = type.equals("model-armor");
        if (armor) {
            f.only("name", "type", "action", "endpoint", "template", "tokenEnv", "timeout", "failure");
        } else {
            f.only("name", "type", "action", "endpoint", "configId", "model", "tokenEnv", "timeout", "failure");
        }
        URI endpoint;
        try {
            endpoint = URI.create(f.string("endpoint"));
        } catch (IllegalArgumentException e) {
            throw f.error("endpoint", "not a URI: " + e.getMessage());
        }
        if (endpoint.getScheme() == null || !endpoint.getScheme().matches("https?") || endpoint.getHost() == null) {
            throw f.error("endpoint", "expected an http:// or https:// URL, like https://modelarmor.us-central1.rep.googleapis.com");
        }
        String target = armor ? f.string("template") : f.string("configId");
        if (armor && !target.matches("projects/[^/]+/locations/[^/]+/templates/[^/]+")) {
            throw f.error("template", "expected projects/PROJECT/locations/LOCATION/templates/TEMPLATE");
        }
        Duration timeout = f.duration("timeout", Duration.ofSeconds(1));
        String failure = f.optionalString("failure", "closed");
        if (!failure.equals("open") && !failure.equals("closed")) {
            throw f.error("failure", "expected open or closed, got '" + failure + "'");
        }
        return new GuardrailConfig.CalloutStep(name, action(f, Action.BLOCK, Action.REDACT, Action.LOG), type,
                endpoint, target, armor ? null : f.optionalString("model", null), timeout, failure.equals("open"),
                f.optionalString("tokenEnv", null));
    }

    private static Action action(Fields f, Action... allowed) throws ConfigException {
        String s = f.string("action");
        for (Action a : allowed) {
            if (a.name().toLowerCase(Locale.ROOT).equals(s)) {
                return a;
            }
        }
        StringBuilder names = new StringBuilder();
        for (Action a : allowed) {
            names.append(names.isEmpty() ? "" : ", ").append(a.name().toLowerCase(Locale.ROOT));
        }
        throw f.error("action", "expected one of " + names + " for this step, got '" + s + "'");
    }

    private static PiiKind pii(Fields f, String k) throws ConfigException {
        for (PiiKind kind : PiiKind.values()) {
            if (kind.configName().equals(k)) {
                return kind;
            }
        }
        throw f.error("kinds", "unknown kind '" + k + "'; expected email, phone, card, iban or secret");
    }

    private static Set<PromptText.Role> roles(Fields f, Set<PromptText.Role> dflt) throws ConfigException {
        List<String> names = f.strings("roles");
        if (names.isEmpty()) {
            return dflt;
        }
        Set<PromptText.Role> out = EnumSet.noneOf(PromptText.Role.class);
        for (String n : names) {
            try {
                out.add(PromptText.Role.valueOf(n.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw f.error("roles", "unknown role '" + n + "'; expected system, user, assistant or tool");
            }
        }
        return out;
    }
}
