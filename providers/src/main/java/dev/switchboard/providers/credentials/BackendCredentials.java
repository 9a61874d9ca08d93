package dev.switchboard.providers.credentials;

import dev.switchboard.core.config.ApiSchema;
import dev.switchboard.core.config.Backend;
import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.SecurityPolicy;
import java.time.Clock;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The credentials of one configuration's backends: one {@link Credential} per BackendSecurityPolicy, shared by the
 * backends it targets, started (first token fetches begin) when the configuration loads.
 */
public final class BackendCredentials implements AutoCloseable {
    public static final BackendCredentials NONE = new BackendCredentials(Map.of(), Map.of());

    private final Map<String, Credential> byBackend;
    private final Map<String, Boolean> signsBody;

    private BackendCredentials(Map<String, Credential> byBackend, Map<String, Boolean> signsBody) {
        this.byBackend = byBackend;
        this.signsBody = signsBody;
    }

    /**
     * Starts the credentials of {@code backends}' policies.
     *
     * @throws ConfigException when a policy cannot work (an environment variable that is not set, an unreadable
     *                         key file), naming the policy and what is missing, never a secret
     */
    public static BackendCredentials start(Iterable<Backend> backends, Clock clock, ScheduledExecutorService scheduler)
            throws ConfigException {
        Map<SecurityPolicy, Credential> made = new IdentityHashMap<>();
        Map<String, Credential> byBackend = new HashMap<>();
        Map<String, Boolean> signsBody = new HashMap<>();
        try {
            for (Backend b : backends) {
                SecurityPolicy p = b.security();
                if (p == null) {
                    continue;
                }
                Credential c = made.get(p);
                if (c == null) {
                    try {
                        c = Credentials.create(spec(p, b.schema().name()), clock, scheduler);
                    } catch (IllegalArgumentException e) {
                        throw new ConfigException("BackendSecurityPolicy '" + p.name() + "': " + e.getMessage());
                    }
                    made.put(p, c);
                }
                byBackend.put(b.name(), c);
                signsBody.put(b.name(), p.type() == SecurityPolicy.Type.AWS_CREDENTIALS);
            }
        } catch (ConfigException e) {
            made.values().forEach(Credential::close);
            throw e;
        }
        return new BackendCredentials(Map.copyOf(byBackend), Map.copyOf(signsBody));
    }

    /** The credential of backend {@code name}, or null when it has none. */
    public Credential of(String name) {
        return byBackend.get(name);
    }

    /** Whether backend {@code name}'s credential signs the body (SigV4), so the caller hands it the bytes. */
    public boolean signsBody(String name) {
        return signsBody.getOrDefault(name, false);
    }

    /** Stops refreshes and file watches. Requests still holding a credential keep its current key or token. */
    @Override
    public void close() {
        java.util.Set<Credential> each = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        each.addAll(byBackend.values());
        each.forEach(Credential::close);
    }

    /** The runtime's spec of a config policy; an APIKey policy on a GeminiAPI backend goes in Google's header. */
    static CredentialSpec spec(SecurityPolicy p, ApiSchema schema) {
        return switch (p.type()) {
            case API_KEY -> new CredentialSpec.ApiKey(schema == ApiSchema.GEMINI_API ? ApiKeyType.GEMINI_API_KEY
                    : ApiKeyType.API_KEY, source(p.apiKey()));
            case ANTHROPIC_API_KEY -> new CredentialSpec.ApiKey(ApiKeyType.ANTHROPIC_API_KEY, source(p.apiKey()));
            case AZURE_API_KEY -> new CredentialSpec.ApiKey(ApiKeyType.AZURE_API_KEY, source(p.apiKey()));
            case AWS_CREDENTIALS -> new CredentialSpec.AwsCredentials(p.aws().region(), p.aws().credentialsFile(),
                    p.aws().profile(), null, null, null);
            case GCP_CREDENTIALS -> new CredentialSpec.GcpCredentials(p.gcp().projectName(), p.gcp().region(),
                    p.gcp().credentialsFile() != null ? p.gcp().credentialsFile() : applicationDefault(), null);
            case AZURE_CREDENTIALS -> new CredentialSpec.AzureCredentials(p.azure().tenantId(), p.azure().clientId(),
                    source(p.azure().clientSecret()), null);
        };
    }

    /** Google's application-default key file, as its client libraries find it first; null when not set. */
    private static java.nio.file.Path applicationDefault() {
        String file = System.getenv("GOOGLE_APPLICATION_CREDENTIALS");
        return file == null || file.isBlank() ? null : java.nio.file.Path.of(file);
    }

    private static SecretSource source(SecurityPolicy.Secret s) {
        return s.env() != null ? new SecretSource.Env(s.env()) : new SecretSource.File(s.file());
    }
}
