package dev.switchboard.gateway.admin;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.switchboard.core.model.UsageTail;
import dev.switchboard.gateway.handler.RequestInfo;
import dev.switchboard.gateway.routing.Attempt;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON line per request on the logger {@code switchboard.access}: identifiers, routing, status and timings.
 * Never the prompt, the response or a credential.
 */
public final class AccessLog {
    private static final Logger LOG = LoggerFactory.getLogger("switchboard.access");
    private final boolean enabled;

    public AccessLog(boolean enabled) {
        this.enabled = enabled;
    }

    public void log(RequestInfo info, Attempt attempt, int status, int attempts, long durationNanos, long firstByteNanos,
            UsageTail.Usage usage, boolean complete) {
        if (!enabled || !LOG.isInfoEnabled()) {
            return;
        }
        StringBuilder sb = new StringBuilder(320).append('{');
        field(sb, "time", Instant.now().toString()).append(',');
        field(sb, "request_id", info.requestId()).append(',');
        field(sb, "api", info.api()).append(',');
        field(sb, "model", info.model()).append(',');
        field(sb, "backend", attempt == null ? null : attempt.ref().backend().name()).append(',');
        field(sb, "upstream", attempt == null ? null : attempt.upstream().authority()).append(',');
        sb.append("\"status\":").append(status).append(",\"attempts\":").append(attempts)
                .append(",\"stream\":").append(info.stream()).append(",\"complete\":").append(complete)
                .append(",\"request_bytes\":").append(info.bodyBytes())
                .append(",\"duration_ms\":").append(durationNanos / 1_000_000.0)
                .append(",\"first_byte_ms\":").append(firstByteNanos < 0 ? "null" : Double.toString(firstByteNanos / 1_000_000.0))
                .append(",\"prompt_tokens\":").append(usage == null || usage.promptTokens() < 0 ? "null" : usage.promptTokens())
                .append(",\"completion_tokens\":").append(usage == null || usage.completionTokens() < 0 ? "null" : usage.completionTokens())
                .append('}');
        LOG.info(sb.toString());
    }

    private static StringBuilder field(StringBuilder sb, String name, String value) {
        sb.append('"').append(name).append("\":");
        if (value == null) {
            return sb.append("null");
        }
        sb.append('"');
        JsonStringEncoder.getInstance().quoteAsString(value, sb);
        return sb.append('"');
    }
}
