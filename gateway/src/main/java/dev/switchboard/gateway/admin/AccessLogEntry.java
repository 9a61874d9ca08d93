package dev.switchboard.gateway.admin;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.switchboard.core.config.Upstream;
import dev.switchboard.core.model.UsageTail;
import dev.switchboard.gateway.handler.RequestInfo;
import dev.switchboard.gateway.routing.Attempt;
import dev.switchboard.policy.Principal;
import java.time.Instant;

/**
 * What the access log keeps of one finished request, captured on the event loop and formatted later by the
 * writer. Only immutable values: the strings are the request's own, nothing is copied or formatted when captured.
 *
 * @param backend          the last attempt's backend, or null when none was made
 * @param upstream         the last attempt's upstream, or null (its authority is formatted by the writer)
 * @param firstByteNanos   time to the first response byte, or -1
 * @param promptTokens     from the upstream's usage, or -1
 * @param completionTokens from the upstream's usage, or -1
 * @param error            why the gateway answered with an error or cut the response, or null
 * @param principal        who sent it: its id and labels (a key's team and user; never the key)
 */
record AccessLogEntry(Instant time, String requestId, String api, String model, String backend, Upstream upstream,
        int status, int attempts, boolean stream, boolean complete, long requestBytes, long durationNanos,
        long firstByteNanos, long promptTokens, long completionTokens, String error, Principal principal) {

    static AccessLogEntry of(RequestInfo info, Attempt attempt, int status, int attempts, long durationNanos,
            long firstByteNanos, UsageTail.Usage usage, boolean complete, String error) {
        return new AccessLogEntry(Instant.now(), info.requestId(), info.api(), info.model(),
                attempt == null ? null : attempt.ref().backend().name(), attempt == null ? null : attempt.upstream(),
                status, attempts, info.stream(), complete, info.bodyBytes(), durationNanos, firstByteNanos,
                usage == null ? -1 : usage.promptTokens(), usage == null ? -1 : usage.completionTokens(), error,
                info.principal());
    }

    /** Appends this entry as one JSON object (no line break) to {@code sb}. */
    StringBuilder appendJson(StringBuilder sb) {
        sb.append('{');
        field(sb, "time", time.toString()).append(',');
        field(sb, "request_id", requestId).append(',');
        field(sb, "api", api).append(',');
        field(sb, "model", model).append(',');
        field(sb, "backend", backend).append(',');
        field(sb, "upstream", upstream == null ? null : upstream.authority()).append(',');
        sb.append("\"status\":").append(status).append(",\"attempts\":").append(attempts)
                .append(",\"stream\":").append(stream).append(",\"complete\":").append(complete)
                .append(",\"request_bytes\":").append(requestBytes)
                .append(",\"duration_ms\":").append(durationNanos / 1_000_000.0)
                .append(",\"first_byte_ms\":");
        if (firstByteNanos < 0) {
            sb.append("null");
        } else {
            sb.append(firstByteNanos / 1_000_000.0);
        }
        sb.append(",\"prompt_tokens\":");
        count(sb, promptTokens).append(",\"completion_tokens\":");
        count(sb, completionTokens).append(',');
        field(sb, "error", error);
        if (principal != null && principal.source() != Principal.Source.ANONYMOUS) {
            sb.append(',');
            field(sb, "principal", principal.id());
            for (var label : principal.labels().entrySet()) { // bounded: the authenticator copies only configured labels
                sb.append(',');
                field(sb, "principal_" + label.getKey(), label.getValue());
            }
        }
        return sb.append('}');
    }

    private static StringBuilder count(StringBuilder sb, long n) {
        return n < 0 ? sb.append("null") : sb.append(n);
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
