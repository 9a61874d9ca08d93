package dev.switchboard.providers.credentials;

/**
 * A credential that cannot be used yet (no token fetched so far) or any more (expired, and refreshing failed). The
 * message is the reason, e.g. the last fetch error; it never holds a secret. The gateway answers 503
 * {@code credentials for backend X are not ready: <message>}.
 */
public final class CredentialsNotReadyException extends Exception {
    public CredentialsNotReadyException(String reason) {
        super(reason, null, false, false);
    }
}
