package dev.switchboard.providers.credentials;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads one profile's keys from an AWS shared credentials file ({@code ~/.aws/credentials}, or the file Envoy AI
 * Gateway's {@code credentialsFile} Secret holds): INI sections {@code [name]} (or {@code [profile name]}, as the
 * config file spells them) with {@code aws_access_key_id}, {@code aws_secret_access_key} and optionally
 * {@code aws_session_token}; {@code #} and {@code ;} start comments.
 */
final class AwsProfileFile {
    static final String DEFAULT_PROFILE = "default";

    private AwsProfileFile() {
    }

    /** The keys of {@code profile}; errors name the profile and the missing key, never a value. */
    static AwsKeys keys(byte[] content, String profile) {
        Map<String, String> section = section(new String(content, StandardCharsets.UTF_8), profile);
        if (section == null) {
            throw new IllegalArgumentException("the credentials file has no profile [" + profile + "]");
        }
        String id = section.get("aws_access_key_id");
        String secret = section.get("aws_secret_access_key");
        if (id == null || id.isEmpty() || secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("profile [" + profile
                    + "] needs aws_access_key_id and aws_secret_access_key");
        }
        String token = section.get("aws_session_token");
        return new AwsKeys(id, Secret.of(secret), token == null ? null : Secret.of(token));
    }

    private static Map<String, String> section(String text, String profile) {
        Map<String, String> found = null;
        boolean inProfile = false;
        for (String raw : text.split("\\R")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                String name = line.substring(1, line.length() - 1).strip();
                if (name.startsWith("profile ")) {
                    name = name.substring("profile ".length()).strip();
                }
                inProfile = name.equals(profile);
                if (inProfile && found == null) {
                    found = new HashMap<>();
                }
                continue;
            }
            int eq = line.indexOf('=');
            if (inProfile && eq > 0) {
                found.put(line.substring(0, eq).strip().toLowerCase(Locale.ROOT), line.substring(eq + 1).strip());
            }
        }
        return found;
    }
}
