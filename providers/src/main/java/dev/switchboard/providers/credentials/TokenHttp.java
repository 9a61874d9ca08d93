package dev.switchboard.providers.credentials;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Form POSTs to token endpoints (OAuth2 token URIs, STS) over the JDK's HttpClient: blocking, so only ever called
 * from a {@link RefreshingToken}'s fetch on the scheduler. Errors name the endpoint and its status and error code.
 */
final class TokenHttp {
    /** A token endpoint that takes longer than this is treated as down; the fetch is retried. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** The longest piece of an endpoint's error description quoted in a message. */
    static final int MAX_DETAIL = 200;

    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client;

    TokenHttp(HttpClient client) {
        this.client = client;
    }

    static TokenHttp shared() {
        return Holder.SHARED;
    }

    private static final class Holder {
        static final TokenHttp SHARED = new TokenHttp(
                HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build());
    }

    /** POSTs {@code form} (values may be secrets: they are never quoted); returns the body of a 2xx answer. */
    String postForm(URI uri, Map<String, String> form, String accept) throws IOException, InterruptedException,
            TokenFetchException {
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&")
                .append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .header("content-type", "application/x-www-form-urlencoded")
                .header("accept", accept)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new TokenFetchException(endpoint(uri) + " answered " + response.statusCode()
                    + errorDetail(response.body()));
        }
        return response.body();
    }

    /** The endpoint without its query (which a token endpoint does not need, but a user's URI might carry). */
    static String endpoint(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority() + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    /** {@code ": code (description)"} from an OAuth2 JSON error or an AWS XML error, or the empty string. */
    static String errorDetail(String body) {
        String code = null;
        String description = null;
        String trimmed = body == null ? "" : body.strip();
        if (trimmed.startsWith("{")) {
            try {
                JsonNode node = JSON.readTree(trimmed);
                code = text(node.get("error"));
                description = text(node.get("error_description"));
                if (code == null && node.get("error") != null) { // Google's {"error":{"status","message"}}
                    code = text(node.get("error").get("status"));
                    description = text(node.get("error").get("message"));
                }
            } catch (IOException e) {
                return "";
            }
        } else if (trimmed.startsWith("<")) {
            code = xmlElement(trimmed, "Code");
            description = xmlElement(trimmed, "Message");
        }
        if (code == null) {
            return "";
        }
        if (description == null || description.isBlank()) {
            return ": " + code;
        }
        String d = description.strip();
        return ": " + code + " (" + (d.length() > MAX_DETAIL ? d.substring(0, MAX_DETAIL) + "…" : d) + ")";
    }

    private static String text(JsonNode node) {
        return node != null && node.isTextual() ? node.asText() : null;
    }

    private static String xmlElement(String xml, String name) {
        int start = xml.indexOf("<" + name + ">");
        int end = xml.indexOf("</" + name + ">");
        return start < 0 || end < start ? null : xml.substring(start + name.length() + 2, end);
    }

    /** The number of seconds in JSON field {@code field}, given as a number or a numeric string. */
    static long seconds(JsonNode node, String field) throws TokenFetchException {
        JsonNode v = node.get(field);
        if (v != null && v.canConvertToLong()) {
            return v.asLong();
        }
        if (v != null && v.isTextual() && v.asText().matches("\\d+")) {
            return Long.parseLong(v.asText());
        }
        throw new TokenFetchException("the token response has no " + field);
    }
}
