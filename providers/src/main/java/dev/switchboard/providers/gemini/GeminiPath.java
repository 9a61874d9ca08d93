package dev.switchboard.providers.gemini;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The model and method of a Gemini client's request path: {@code /v1beta/models/{model}:{method}} (also
 * {@code /v1/...}, and Vertex AI's {@code /v1/projects/{p}/locations/{l}/publishers/{pub}/models/{model}:{method}}).
 * A model id may hold slashes ({@code meta-llama/Llama-3.1-8B-Instruct}, sent by Google's SDK as
 * {@code models/meta-llama/Llama-3.1-8B-Instruct:generateContent}) and colons ({@code llama3:8b}), so the method is
 * what follows the last {@code ':'}; the path is percent-decoded first ({@code %2F}, {@code %3A}).
 *
 * @param model  the model id, without the {@code models/} segment
 * @param method {@code generateContent}, {@code streamGenerateContent}, {@code countTokens}…
 */
public record GeminiPath(String model, String method) {

    /** Parses {@code path} (a query string is ignored), or null when it is not a Gemini model method path. */
    public static GeminiPath parse(String path) {
        if (path == null) {
            return null;
        }
        int query = path.indexOf('?');
        String p = query < 0 ? path : path.substring(0, query);
        try {
            p = URLDecoder.decode(p.replace("+", "%2B"), StandardCharsets.UTF_8); // '+' is literal in a path
        } catch (IllegalArgumentException e) {
            return null; // a malformed %-escape
        }
        String rest = afterVersion(p);
        if (rest == null) {
            return null;
        }
        if (rest.startsWith("projects/")) {
            int models = rest.indexOf("/models/");
            if (models < 0) {
                return null;
            }
            rest = rest.substring(models + 1);
        }
        if (!rest.startsWith("models/")) {
            return null;
        }
        rest = rest.substring("models/".length());
        int colon = rest.lastIndexOf(':');
        if (colon <= 0 || colon == rest.length() - 1) {
            return null;
        }
        String method = rest.substring(colon + 1);
        return method.indexOf('/') >= 0 ? null : new GeminiPath(rest.substring(0, colon), method);
    }

    /** The path after {@code /v1/}, {@code /v1beta/}, {@code /v1beta1/}…, or null. */
    private static String afterVersion(String p) {
        if (!p.startsWith("/v1")) {
            return null;
        }
        int slash = p.indexOf('/', 1);
        if (slash < 0) {
            return null;
        }
        String version = p.substring(1, slash);
        if (!version.equals("v1") && !version.startsWith("v1beta") && !version.startsWith("v1alpha")) {
            return null;
        }
        return p.substring(slash + 1);
    }

    /** Whether the method streams ({@code streamGenerateContent}). */
    public boolean streams() {
        return method.equals("streamGenerateContent");
    }
}
