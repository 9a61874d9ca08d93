package dev.switchboard.providers.credentials;

/**
 * AWS credentials: an access key id, its secret and, for temporary credentials (STS, SSO, an instance role), the
 * session token. toString shows the key id's first four characters only (enough to tell AKIA from ASIA keys).
 *
 * @param sessionToken null for long-term keys
 */
public record AwsKeys(String accessKeyId, Secret secretAccessKey, Secret sessionToken) {

    public AwsKeys {
        if (accessKeyId == null || accessKeyId.isEmpty() || secretAccessKey == null || secretAccessKey.isEmpty()) {
            throw new IllegalArgumentException("AWS credentials need an access key id and a secret access key");
        }
        if (sessionToken != null && sessionToken.isEmpty()) {
            sessionToken = null;
        }
    }

    @Override
    public String toString() {
        return "AwsKeys[" + accessKeyId.substring(0, Math.min(4, accessKeyId.length())) + "…"
                + (sessionToken == null ? "" : ", with session token") + "]";
    }
}
