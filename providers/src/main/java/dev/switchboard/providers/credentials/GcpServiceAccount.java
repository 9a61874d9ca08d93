package dev.switchboard.providers.credentials;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * A GCP service-account key file ({@code "type": "service_account"}): the account's e-mail, its RSA key and the
 * token URI to trade a signed JWT for an access token at.
 */
record GcpServiceAccount(String clientEmail, String privateKeyId, PrivateKey privateKey, URI tokenUri) {

    /** Parses the JSON key file; errors name the missing or bad field, never its value. */
    static GcpServiceAccount parse(byte[] json) {
        JsonNode node;
        try {
            node = TokenHttp.JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("the service-account file is not JSON");
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("the service-account file is not a JSON object");
        }
        String type = field(node, "type");
        if (!"service_account".equals(type)) {
            throw new IllegalArgumentException("the credentials file has type \"" + type
                    + "\"; only \"service_account\" keys are supported");
        }
        String tokenUri = node.hasNonNull("token_uri") ? node.get("token_uri").asText()
                : "https://oauth2.googleapis.com/token";
        return new GcpServiceAccount(field(node, "client_email"),
                node.hasNonNull("private_key_id") ? node.get("private_key_id").asText() : null,
                rsaKey(field(node, "private_key")), URI.create(tokenUri));
    }

    private static String field(JsonNode node, String name) {
        JsonNode v = node.get(name);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new IllegalArgumentException("the service-account file has no " + name);
        }
        return v.asText();
    }

    /** A PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}) as Google issues them. */
    private static PrivateKey rsaKey(String pem) {
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        try {
            byte[] der = Base64.getDecoder().decode(base64);
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new IllegalArgumentException("the service-account file's private_key is not a PKCS#8 RSA key");
        }
    }

    @Override
    public String toString() {
        return "GcpServiceAccount[" + clientEmail + ", key " + privateKeyId + ", " + tokenUri + "]";
    }
}
