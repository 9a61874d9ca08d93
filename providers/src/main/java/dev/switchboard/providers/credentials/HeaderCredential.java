package dev.switchboard.providers.credentials;

import java.util.concurrent.CompletionStage;

/**
 * A credential that is one header: an API key ({@code x-api-key: <key>}, {@code api-key: <key>},
 * {@code x-goog-api-key: <key>}) or a bearer token ({@code authorization: Bearer <key or token>}).
 */
final class HeaderCredential implements Credential {
    private final String header;
    private final String prefix;
    private final CredentialSource<Secret> source;

    /**
     * @param header lower-case header name
     * @param prefix put before the value, e.g. {@code "Bearer "}, or the empty string
     */
    HeaderCredential(String header, String prefix, CredentialSource<Secret> source) {
        this.header = header;
        this.prefix = prefix;
        this.source = source;
    }

    @Override
    public void apply(SignableRequest request) throws CredentialsNotReadyException {
        request.header(header, prefix.isEmpty() ? source.current().reveal() : prefix + source.current().reveal());
    }

    @Override
    public boolean ready() {
        return source.ready();
    }

    @Override
    public CompletionStage<Void> firstToken() {
        return source.firstToken();
    }

    @Override
    public void close() {
        source.close();
    }

    @Override
    public String toString() {
        return "HeaderCredential[" + header + ": " + prefix + Secret.REDACTED + "]";
    }
}
