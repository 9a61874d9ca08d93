package dev.switchboard.providers.credentials;

import java.time.Clock;
import java.util.concurrent.CompletionStage;

/** Signs each request with SigV4 using the current AWS keys (fixed, from a watched file, or refreshed from STS). */
final class SigV4Credential implements Credential {
    private final SigV4Signer signer;
    private final CredentialSource<AwsKeys> keys;
    private final Clock clock;

    SigV4Credential(SigV4Signer signer, CredentialSource<AwsKeys> keys, Clock clock) {
        this.signer = signer;
        this.keys = keys;
        this.clock = clock;
    }

    @Override
    public void apply(SignableRequest request) throws CredentialsNotReadyException {
        signer.sign(request, keys.current(), clock.instant());
    }

    @Override
    public boolean ready() {
        return keys.ready();
    }

    @Override
    public CompletionStage<Void> firstToken() {
        return keys.firstToken();
    }

    @Override
    public void close() {
        keys.close();
    }

    @Override
    public String toString() {
        return "SigV4Credential[" + signer + ", " + keys + "]";
    }
}
