package dev.switchboard.providers;

import java.util.Map;

/**
 * What one attempt sends to its backend, decided by {@link Translator} from the client's request and the backend's
 * schema: where, which headers the schema needs, and the body, unless the client's is sent as it is.
 *
 * @param path        the path and query to request
 * @param headers     headers the schema needs (e.g. {@code anthropic-version}, {@code content-type}), lower-case
 * @param body        the translated body, or null to send the client's body (with the model spliced in when
 *                    {@code modelInBody})
 * @param modelInBody whether the body names the model (so a passthrough body gets the upstream model spliced in)
 * @param responses   how this backend's responses become the client's
 * @param local       the gateway's own answer when no call is made, else null
 */
public record UpstreamCall(String path, Map<String, String> headers, byte[] body, boolean modelInBody,
        ResponsePlan responses, Local local) {

    public UpstreamCall(String path, Map<String, String> headers, byte[] body, boolean modelInBody,
            ResponsePlan responses) {
        this(path, headers, body, modelInBody, responses, null);
    }

    /** No call at all: the gateway answers {@code body} itself (a token count the backend's API cannot give). */
    public static UpstreamCall local(byte[] body, Map<String, String> headers) {
        return new UpstreamCall(null, Map.of(), null, false, ResponsePlan.AS_IS, new Local(body, headers));
    }

    /** A 200 JSON answer the gateway gives instead of calling the backend, with {@code headers} added. */
    public record Local(byte[] body, Map<String, String> headers) {}

    /** Chooses the translation of a response once its status is known. */
    public interface ResponsePlan {
        /** Null when the response goes to the client as it is. */
        ResponseTranslation open(int status, ResponseContext context);

        ResponsePlan AS_IS = (status, context) -> null;
    }
}
