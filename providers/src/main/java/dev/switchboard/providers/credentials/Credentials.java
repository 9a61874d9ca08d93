package dev.switchboard.providers.credentials;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Builds the {@link Credential} for a {@link CredentialSpec}. Token credentials start fetching at once on
 * {@code scheduler} (which runs their blocking HTTP calls: give it a thread of its own, never an event loop);
 * files are watched on their own threads. A spec that cannot work (a variable that is not set, a file that cannot
 * be read or parsed) fails here with IllegalArgumentException naming the variable, file or field, not its value.
 *
 * <p>Libraries: SigV4, STS, the GCP JWT grant and the Entra client-credentials grant are written here, on the JDK
 * (HttpClient, java.security, javax.crypto). {@code software.amazon.awssdk:http-auth-aws} 2.57.8 resolves but only
 * signs (STS needs the whole SDK core and an HTTP client besides); {@code google-auth-library-oauth2-http} brings
 * Guava, google-http-client and {@code io.grpc:grpc-context}, which this module bans; {@code azure-identity} brings
 * Netty 4.1 and Reactor.
 */
public final class Credentials {
    /** The session name in STS for web identity credentials when {@code AWS_ROLE_SESSION_NAME} is not set. */
    static final String DEFAULT_SESSION_NAME = "switchboard";

    private Credentials() {
    }

    public static Credential create(CredentialSpec spec, Clock clock, ScheduledExecutorService scheduler) {
        return create(spec, clock, scheduler, System::getenv, TokenHttp.shared());
    }

    /** @param env the environment ({@code System::getenv} outside tests) */
    public static Credential create(CredentialSpec spec, Clock clock, ScheduledExecutorService scheduler,
            Function<String, String> env) {
        return create(spec, clock, scheduler, env, TokenHttp.shared());
    }

    static Credential create(CredentialSpec spec, Clock clock, ScheduledExecutorService scheduler,
            Function<String, String> env, TokenHttp http) {
        return switch (spec) {
            case CredentialSpec.ApiKey k -> apiKey(k, env);
            case CredentialSpec.AwsCredentials a -> new SigV4Credential(SigV4Signer.bedrock(required(a.region(),
                    "awsCredentials.region")), awsKeys(a, clock, scheduler, env, http), clock);
            case CredentialSpec.GcpCredentials g -> gcp(g, clock, scheduler, http);
            case CredentialSpec.AzureCredentials z -> azure(z, clock, scheduler, env, http);
        };
    }

    private static Credential apiKey(CredentialSpec.ApiKey spec, Function<String, String> env) {
        String header = spec.header() == null ? spec.type().header() : spec.header();
        return new HeaderCredential(header, spec.type().prefix(), secret(spec.source(), env, spec.type().configName()));
    }

    /** A secret that stays current: an environment variable's value, or a watched file's content. */
    static CredentialSource<Secret> secret(SecretSource source, Function<String, String> env, String what) {
        return switch (source) {
            case SecretSource.Env e -> CredentialSource.fixed(fromEnv(e.variable(), env));
            case SecretSource.File f -> CredentialSource.watched(new WatchedFile<>(f.path(), what,
                    WatchedFile::secretText));
        };
    }

    private static Secret fromEnv(String variable, Function<String, String> env) {
        String value = env.apply(variable);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("environment variable " + variable + " is not set");
        }
        return Secret.of(value.strip());
    }

    /** Envoy AI Gateway's order: a credentials file, else web identity, else the default chain. */
    static CredentialSource<AwsKeys> awsKeys(CredentialSpec.AwsCredentials spec, Clock clock,
            ScheduledExecutorService scheduler, Function<String, String> env, TokenHttp http) {
        String profile = spec.profile() == null ? AwsProfileFile.DEFAULT_PROFILE : spec.profile();
        if (spec.credentialsFile() != null) {
            return profileFile(spec.credentialsFile(), profile);
        }
        if (spec.roleArn() != null || spec.webIdentityTokenFile() != null) {
            return webIdentity(spec, required(spec.roleArn(), "awsCredentials roleArn"),
                    required(spec.webIdentityTokenFile(), "awsCredentials webIdentityTokenFile"), clock, scheduler,
                    env, http);
        }
        return defaultChain(spec, clock, scheduler, env, http);
    }

    /**
     * The AWS SDKs' default chain, as far as a gateway needs it: {@code AWS_ACCESS_KEY_ID} and
     * {@code AWS_SECRET_ACCESS_KEY} (and {@code AWS_SESSION_TOKEN}); then the profile {@code AWS_PROFILE} (default
     * {@code default}) of {@code AWS_SHARED_CREDENTIALS_FILE} (default {@code ~/.aws/credentials}); then
     * {@code AWS_WEB_IDENTITY_TOKEN_FILE} with {@code AWS_ROLE_ARN}. Container and instance roles (ECS, EKS Pod
     * Identity, IMDS) are not in it yet.
     */
    static CredentialSource<AwsKeys> defaultChain(CredentialSpec.AwsCredentials spec, Clock clock,
            ScheduledExecutorService scheduler, Function<String, String> env, TokenHttp http) {
        String id = env.apply("AWS_ACCESS_KEY_ID");
        String secret = env.apply("AWS_SECRET_ACCESS_KEY");
        if (id != null && !id.isBlank() && secret != null && !secret.isBlank()) {
            String token = env.apply("AWS_SESSION_TOKEN");
            return CredentialSource.fixed(new AwsKeys(id.strip(), Secret.of(secret.strip()),
                    token == null || token.isBlank() ? null : Secret.of(token.strip())));
        }
        String profile = Objects.requireNonNullElse(env.apply("AWS_PROFILE"),
                spec.profile() == null ? AwsProfileFile.DEFAULT_PROFILE : spec.profile());
        Path file = sharedCredentialsFile(env);
        if (file != null && Files.isReadable(file)) {
            return profileFile(file, profile);
        }
        String tokenFile = env.apply("AWS_WEB_IDENTITY_TOKEN_FILE");
        String roleArn = env.apply("AWS_ROLE_ARN");
        if (tokenFile != null && !tokenFile.isBlank() && roleArn != null && !roleArn.isBlank()) {
            return webIdentity(spec, roleArn, Path.of(tokenFile), clock, scheduler, env, http);
        }
        throw new IllegalArgumentException("no AWS credentials found: set AWS_ACCESS_KEY_ID and "
                + "AWS_SECRET_ACCESS_KEY, or a profile in " + (file == null ? "~/.aws/credentials" : file)
                + ", or AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN, or awsCredentials.credentialsFile");
    }

    private static Path sharedCredentialsFile(Function<String, String> env) {
        String explicit = env.apply("AWS_SHARED_CREDENTIALS_FILE");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String home = env.apply("HOME");
        return home == null || home.isBlank() ? null : Path.of(home, ".aws", "credentials");
    }

    private static CredentialSource<AwsKeys> profileFile(Path file, String profile) {
        return CredentialSource.watched(new WatchedFile<>(file, "aws-credentials",
                content -> AwsProfileFile.keys(content, profile)));
    }

    private static CredentialSource<AwsKeys> webIdentity(CredentialSpec.AwsCredentials spec, String roleArn,
            Path tokenFile, Clock clock, ScheduledExecutorService scheduler, Function<String, String> env,
            TokenHttp http) {
        URI sts = spec.stsEndpoint() != null ? spec.stsEndpoint() : WebIdentityFetcher.regionalEndpoint(spec.region());
        String session = Objects.requireNonNullElse(env.apply("AWS_ROLE_SESSION_NAME"), DEFAULT_SESSION_NAME);
        return new RefreshingToken<>("AWS keys for " + roleArn,
                new WebIdentityFetcher(sts, roleArn, tokenFile, session, http), clock, scheduler).start();
    }

    private static Credential gcp(CredentialSpec.GcpCredentials spec, Clock clock, ScheduledExecutorService scheduler,
            TokenHttp http) {
        spec.location(); // fails early without a project or region
        Path file = required(spec.credentialsFile(), "gcpCredentials.credentialsFile");
        GcpServiceAccount account;
        try {
            account = GcpServiceAccount.parse(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " cannot be read (" + e.getClass().getSimpleName() + ")");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage());
        }
        URI tokenUri = spec.tokenUri() != null ? spec.tokenUri() : account.tokenUri();
        RefreshingToken<Secret> token = new RefreshingToken<>("GCP access token for " + account.clientEmail(),
                new GcpTokenFetcher(account, tokenUri, clock, http), clock, scheduler).start();
        return new HeaderCredential("authorization", "Bearer ", token);
    }

    private static Credential azure(CredentialSpec.AzureCredentials spec, Clock clock,
            ScheduledExecutorService scheduler, Function<String, String> env, TokenHttp http) {
        String tenant = required(spec.tenantId(), "azureCredentials.tenantID");
        String client = required(spec.clientId(), "azureCredentials.clientID");
        CredentialSource<Secret> secret = secret(required(spec.clientSecret(), "azureCredentials.clientSecretRef"),
                env, "azure-client-secret");
        Supplier<Secret> current = () -> {
            try {
                return secret.current();
            } catch (CredentialsNotReadyException e) {
                throw new IllegalStateException(e.getMessage()); // a fixed or watched secret is always ready
            }
        };
        URI authority = spec.authorityHost() != null ? spec.authorityHost() : EntraTokenFetcher.DEFAULT_AUTHORITY;
        RefreshingToken<Secret> token = new RefreshingToken<>("Entra ID token for client " + client,
                new EntraTokenFetcher(authority, tenant, client, current, clock, http), clock, scheduler);
        return new HeaderCredential("authorization", "Bearer ", closingBoth(token.start(), secret));
    }

    private static CredentialSource<Secret> closingBoth(RefreshingToken<Secret> token, CredentialSource<Secret> also) {
        return new CredentialSource<>() {
            @Override
            public Secret current() throws CredentialsNotReadyException {
                return token.current();
            }

            @Override
            public boolean ready() {
                return token.ready();
            }

            @Override
            public CompletionStage<Void> firstToken() {
                return token.firstToken();
            }

            @Override
            public void close() {
                token.close();
                also.close();
            }
        };
    }

    private static <T> T required(T value, String field) {
        if (value == null || (value instanceof String s && s.isBlank())) {
            throw new IllegalArgumentException(field + " is required");
        }
        return value;
    }
}
