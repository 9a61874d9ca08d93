package dev.switchboard.policy.guardrails;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A {@code Guardrail} document: the chain for the routes it targets. Read by {@link GuardrailConfigReader}.
 *
 * @param name         the document's name
 * @param routes       the AIGatewayRoute names it applies to
 * @param window       characters a streamed response may be held back ({@code responseWindow})
 * @param includeText  whether audit lines carry the text ({@code audit.includeText})
 * @param steps        in order
 */
public record GuardrailConfig(String name, List<String> routes, int window, boolean includeText, List<Step> steps) {
    public GuardrailConfig {
        routes = List.copyOf(routes);
        steps = List.copyOf(steps);
    }

    /** One step; {@code type} picks which of the optional fields apply. */
    public sealed interface Step {
        String name();

        Action action();
    }

    public record InjectionStep(String name, Action action, double threshold, Set<PromptText.Role> roles)
            implements Step {}

    public record PiiStep(String name, Action action, Set<PiiKind> kinds, Set<PromptText.Role> roles) implements Step {}

    public record PatternStep(String name, Action action, List<RuleGuardrail.PatternSpec> patterns,
            Set<PromptText.Role> roles) implements Step {}

    /**
     * A callout.
     *
     * @param service   {@code model-armor} or {@code nemo-guardrails}
     * @param target    Model Armor's template resource name, or NeMo's config id
     * @param model     NeMo only: the model self-check rails use (may be null)
     * @param tokenEnv  the environment variable holding a bearer token to send, or null (never the token itself)
     */
    public record CalloutStep(String name, Action action, String service, URI endpoint, String target, String model,
            Duration timeout, boolean failOpen, String tokenEnv) implements Step {}

    /**
     * Builds the chain for {@code route}.
     *
     * @param env reads environment variables (for a callout's token), e.g. {@code System::getenv}
     */
    public GuardrailChain toChain(String route, HttpClient client, Function<String, String> env) {
        List<Guardrail> out = new ArrayList<>(steps.size());
        for (Step s : steps) {
            out.add(switch (s) {
                case InjectionStep i -> new InjectionGuardrail(i.name(), i.threshold(), i.action(), i.roles());
                case PiiStep p -> RuleGuardrail.pii(p.name(), p.kinds(), p.action(), p.roles());
                case PatternStep p -> RuleGuardrail.patterns(p.name(), p.patterns(), p.action(), p.roles());
                case CalloutStep c -> new CalloutGuardrail(c.name(), c.service().equals("model-armor")
                        ? new ModelArmorAdapter(c.endpoint(), c.target())
                        : new NemoGuardrailsAdapter(c.endpoint(), c.target(), c.model()),
                        client, c.timeout(), c.failOpen(), c.action(), bearer(c.tokenEnv(), env));
            });
        }
        return new GuardrailChain(route, out, window, new GuardrailAudit(includeText));
    }

    private static Supplier<Map<String, String>> bearer(String tokenEnv, Function<String, String> env) {
        if (tokenEnv == null) {
            return Map::of;
        }
        return () -> {
            String token = env.apply(tokenEnv);
            return token == null || token.isBlank() ? Map.of() : Map.of("authorization", "Bearer " + token);
        };
    }
}
