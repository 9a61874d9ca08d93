package dev.switchboard.policy.auth;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The shape of a virtual key: {@code sk-sb-<id>-<secret>}. The id (16 hex digits) is public: it names the key in
 * the key file, the CLI, metrics and logs. The secret is 32 random bytes from {@link SecureRandom}, base64url
 * without padding (43 characters), and exists only in the client's hands; the gateway keeps its HMAC.
 */
public final class VirtualKey {
    public static final String PREFIX = "sk-sb-";
    static final int ID_BYTES = 8;
    static final int SECRET_BYTES = 32;
    private static final int ID_CHARS = ID_BYTES * 2;
    private static final int SECRET_CHARS = 43;

    private VirtualKey() {}

    /** A newly made key: its public id and the whole key, to be shown once. Its {@code toString} hides the key. */
    public record Issued(String id, String key) {
        @Override
        public String toString() {
            return "Issued[id=" + id + ", key not shown]";
        }
    }

    public static Issued generate(SecureRandom random) {
        byte[] id = new byte[ID_BYTES];
        byte[] secret = new byte[SECRET_BYTES];
        random.nextBytes(id);
        random.nextBytes(secret);
        String hexId = HexFormat.of().formatHex(id);
        return new Issued(hexId, PREFIX + hexId + "-" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
    }

    /** Whether {@code credential} claims to be a virtual key (so the virtual keys answer for it). */
    static boolean looksLikeOne(String credential) {
        return credential.startsWith(PREFIX);
    }

    /** The id of a well-formed key, or null when it is not one (wrong length, not hex, no secret part). */
    static String idOf(String key) {
        if (!key.startsWith(PREFIX) || key.length() != PREFIX.length() + ID_CHARS + 1 + SECRET_CHARS
                || key.charAt(PREFIX.length() + ID_CHARS) != '-') {
            return null;
        }
        String id = key.substring(PREFIX.length(), PREFIX.length() + ID_CHARS);
        return isId(id) ? id : null;
    }

    /** Whether {@code id} has the shape of a key id (16 lower-case hex digits). */
    public static boolean isId(String id) {
        if (id.length() != ID_CHARS) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char ch = id.charAt(i);
            if (!(ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'f')) {
                return false;
            }
        }
        return true;
    }
}
