package dev.switchboard.policy.guardrails;

import dev.switchboard.policy.Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per request or response a guardrail blocked, redacted or flagged (LOG): who (principal id), which
 * step and rule, what was done. Without the prompt's text unless {@code includeText} is configured; secrets in the
 * text are no safer for that, so it is off by default.
 *
 * <pre>guardrail action=block direction=request route=chat principal=key_7f3a rule=pii/card score=1.00</pre>
 */
public final class GuardrailAudit {
    /** The logger name, so operators can route audit lines to their own appender. */
    public static final String LOGGER = "dev.switchboard.audit.guardrails";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    private final boolean includeText;

    public GuardrailAudit(boolean includeText) {
        this.includeText = includeText;
    }

    void record(String direction, String route, Principal principal, Verdict v, CharSequence text) {
        if (v.action() == Action.ALLOW) {
            return;
        }
        String line = String.format(java.util.Locale.ROOT, "guardrail action=%s direction=%s route=%s principal=%s"
                + " rule=%s score=%.2f", v.action().name().toLowerCase(java.util.Locale.ROOT), direction, route,
                principal.id(), v.ruleId(), v.score());
        if (includeText && text != null) {
            line += " text=\"" + text.toString().replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
        }
        if (v.action() == Action.LOG) {
            LOG.info(line);
        } else {
            LOG.warn(line);
        }
    }
}
