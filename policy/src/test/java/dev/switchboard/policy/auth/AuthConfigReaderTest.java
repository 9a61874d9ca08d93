package dev.switchboard.policy.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.Fields;
import dev.switchboard.core.config.SecurityPolicy;
import dev.switchboard.policy.Principal;
import dev.switchboard.policy.Quota;
import dev.switchboard.policy.limits.RateLimitPolicy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthConfigReaderTest {
    /** The example of AuthConfigReader's javadoc, as a spec. */
    static final String EXAMPLE = """
            virtualKeys:
              file: keys.json
              secret: {env: SWITCHBOARD_KEY_SECRET}
            jwt:
              issuer: https://login.example.com/
              audiences: [switchboard]
              jwksUrl: https://login.example.com/.well-known/jwks.json
              jwksRefresh: 10m
              algorithms: [RS256, ES256]
              requiredClaims: [org]
              clockSkew: 30s
              principal:
                labels: {team: org, user: email}
                modelsClaim: models
                routesClaim: routes
                tierClaim: tier
                defaultTier: bronze
                tiers:
                  gold: {rpm: 600, tpm: 2000000, budget: {usd: "500.00", period: 30d}}
                  bronze: {rpm: 60, tpm: 100000}
            """;

    @TempDir
    Path dir;

    private AuthConfig read(String yaml) throws Exception {
        JsonNode node = new YAMLMapper().readTree(yaml);
        return AuthConfigReader.read("clients", new Fields(node, "gateway.yaml: document 3 (ClientAuth/clients)", "spec"), dir);
    }

    private void fails(String yaml, String message) {
        assertThatThrownBy(() -> read(yaml)).isInstanceOf(ConfigException.class).hasMessageContaining(message);
    }

    @Test
    void theDocumentedExampleReads() throws Exception {
        AuthConfig c = read(EXAMPLE);
        assertThat(c.virtualKeys()).isEqualTo(new AuthConfig.Keys(dir.resolve("keys.json"),
                new SecurityPolicy.Secret("SWITCHBOARD_KEY_SECRET", null)));
        assertThat(c.jwt()).isEqualTo(new AuthConfig.Jwt("https://login.example.com/", Set.of("switchboard"), null,
                URI.create("https://login.example.com/.well-known/jwks.json"), Duration.ofMinutes(10),
                Set.of("RS256", "ES256"), List.of("org"), Duration.ofSeconds(30), new AuthConfig.Claims(
                        Map.of("team", "org", "user", "email"), "models", "routes", "tier",
                        Map.of("gold", new Quota(600, 2_000_000, new Quota.Budget(500_000_000, Duration.ofDays(30))),
                                "bronze", new Quota(60, 100_000, null)), "bronze")));
    }

    @Test
    void defaultsAndOneAudienceString() throws Exception {
        AuthConfig.Jwt j = read("jwt: {issuer: i, audiences: a, jwksFile: jwks.json}").jwt();
        assertThat(j.audiences()).containsExactly("a");
        assertThat(j.algorithms()).isEqualTo(Set.of("RS256", "ES256"));
        assertThat(j.clockSkew()).isEqualTo(Duration.ofSeconds(30));
        assertThat(j.jwksFile()).isEqualTo(dir.resolve("jwks.json"));
        assertThat(j.principal()).isEqualTo(AuthConfig.Claims.NONE);
    }

    @Test
    void mistakesAreNamedWhereTheyAre() {
        fails("{}", "spec: expected virtualKeys, jwt or both");
        fails("virtualKeys: {file: k.json}", "spec.virtualKeys.secret: required");
        fails("virtualKeys: {file: k.json, secret: {value: abc}}", "spec.virtualKeys.secret.value: a secret is never"
                + " written inline");
        fails("virtualKeys: {file: k.json, secret: {env: A, file: b}}", "expected exactly one of env");
        fails("virtualKeys: {file: k.json, redis: {}, secret: {env: A}}", "spec.virtualKeys: expected exactly one of"
                + " file (a key file) or redis");
        fails("virtualKeys: {secret: {env: A}}", "spec.virtualKeys: expected exactly one of file");
        fails("virtualKeys: {redis: {refresh: 500ms}, secret: {env: A}}", "spec.virtualKeys.redis.refresh: expected 1s"
                + " or more");
        fails("virtualKeys: {redis: {password: hunter2}, secret: {env: A}}", "spec.virtualKeys.redis.password:"
                + " expected {env: VARIABLE}");
        fails("virtualKeys: {redis: {hots: h}, secret: {env: A}}", "spec.virtualKeys.redis");
        fails("jwt: {issuer: i, audiences: [a], jwksFile: f, algorithms: [none]}",
                "spec.jwt.algorithms: 'none' is not accepted (unsigned tokens are always refused)");
        fails("jwt: {issuer: i, audiences: [a], jwksFile: f, algorithms: [HS256]}", "(HMAC needs a shared secret");
        fails("jwt: {issuer: i, audiences: [a]}", "expected exactly one of jwksUrl or jwksFile");
        fails("jwt: {issuer: i, audiences: [a], jwksUrl: 'http://login.example.com/jwks'}",
                "spec.jwt.jwksUrl: expected an https:// URL (http only to a loopback address)");
        fails("jwt: {issuer: i, jwksFile: f}", "spec.jwt.audiences: required");
        fails("jwt: {issuer: i, audiences: [a], jwksFile: f, clockSkew: 1h}", "spec.jwt.clockSkew: expected at most 5m");
        fails("jwt: {issuer: i, audiences: [a], jwksFile: f, principal: {tiers: {gold: {rpm: 1}}}}",
                "spec.jwt.principal.tierClaim: required with tiers");
        fails("jwt: {issuer: i, audiences: [a], jwksFile: f, principal: {tierClaim: t, defaultTier: x, tiers: {g: {}}}}",
                "'x' is not one of the tiers [g]");
        fails("jwt: {issuer: i, audiences: [a], jwksFile: f, principal: {tierClaim: t, tiers: {g: {budget: {usd: 1.1234567,"
                + " period: 30d}}}}}", "at most six decimals");
    }

    @Test
    void aConfigStartsAChainThatTakesBothAKeyAndAToken() throws Exception {
        var rsa = Tokens.rsa("k1");
        Files.writeString(dir.resolve("jwks.json"), Tokens.jwks(rsa.toPublicJWK()));
        String secret = "a-server-secret-that-is-long-enough-0123456789";
        ServerSecret s = ServerSecret.of(secret.getBytes(StandardCharsets.UTF_8));
        VirtualKeysTest.Made m = VirtualKeysTest.make(s, null, false);
        KeyFile.write(dir.resolve("keys.json"), List.of(m.record()));
        AuthConfig c = read("""
                virtualKeys: {file: keys.json, secret: {env: SB_SECRET}}
                jwt:
                  issuer: https://login.example.test/
                  audiences: switchboard
                  jwksFile: jwks.json
                  principal: {labels: {team: org}}
                """);
        Clock clock = Clock.fixed(Tokens.NOW, ZoneOffset.UTC);
        try (ClientAuth auth = ClientAuth.start(c, Map.of("SB_SECRET", secret)::get, clock)) {
            assertThat(auth.authenticate(ClientCredentials.ofHeaders(Map.of("api-key", m.issued().key()))))
                    .isEqualTo(new AuthResult.Authenticated(m.record().principal()));
            AuthResult r = auth.authenticate(ClientCredentials.ofHeaders(Map.of("authorization", "Bearer "
                    + Tokens.sign(rsa, Tokens.claims().build()))));
            assertThat(((AuthResult.Authenticated) r).principal().source()).isEqualTo(Principal.Source.JWT);
            assertThat(auth.authenticate(ClientCredentials.ofHeaders(Map.of()))).isInstanceOfSatisfying(
                    AuthResult.Denied.class, d -> assertThat(d.code()).isEqualTo("missing_credentials"));
        }
        assertThatThrownBy(() -> ClientAuth.start(c, name -> null, clock)).isInstanceOf(ConfigException.class)
                .hasMessage("ClientAuth/clients: the virtual keys' server secret: environment variable SB_SECRET is"
                        + " not set; set it to 32 or more random bytes (e.g. openssl rand -base64 48)");
    }

    @Test
    void redisKeysAreReadAsALimitStoreIsWithARefresh() throws Exception {
        AuthConfig.Keys k = read("""
                virtualKeys:
                  redis: {host: redis.internal, port: 6380, password: {env: REDIS_PASSWORD}, keyPrefix: "sb:",
                          refresh: 10s}
                  secret: {env: SB_SECRET}
                """).virtualKeys();
        assertThat(k).isEqualTo(new AuthConfig.Keys(null, new AuthConfig.RedisKeys(new RateLimitPolicy.RedisStore(
                "redis.internal", 6380, "REDIS_PASSWORD", Duration.ofMillis(100), "sb:"), Duration.ofSeconds(10)),
                new SecurityPolicy.Secret("SB_SECRET", null)));
        assertThat(k.redis().hashKey()).isEqualTo("sb:keys");
        assertThat(k.redis().channel()).isEqualTo("sb:keys:changed");
        AuthConfig.RedisKeys defaults = read("virtualKeys: {redis: {}, secret: {env: S}}").virtualKeys().redis();
        assertThat(defaults).isEqualTo(new AuthConfig.RedisKeys(new RateLimitPolicy.RedisStore("127.0.0.1", 6379, null,
                Duration.ofMillis(100), "switchboard:"), Duration.ofSeconds(30)));
    }

    @Test
    void redisKeysComeFromTheSourceTheCallerGivesAndTheProcessWithoutOneRefusesThem() throws Exception {
        String secret = "a-server-secret-that-is-long-enough-0123456789";
        ServerSecret s = ServerSecret.of(secret.getBytes(StandardCharsets.UTF_8));
        VirtualKeysTest.Made m = VirtualKeysTest.make(s, null, false);
        AuthConfig c = read("virtualKeys: {redis: {port: 6390}, secret: {env: SB_SECRET}}");
        AtomicBoolean closed = new AtomicBoolean();
        ClientAuth.RedisKeySource fake = (redis, index, env) -> {
            assertThat(redis.connection().port()).isEqualTo(6390);
            index.put(m.record());
            return () -> closed.set(true);
        };
        Clock clock = Clock.systemUTC();
        try (ClientAuth auth = ClientAuth.start(c, Map.of("SB_SECRET", secret)::get, clock, fake)) {
            assertThat(auth.authenticate(ClientCredentials.ofHeaders(Map.of("api-key", m.issued().key()))))
                    .isEqualTo(new AuthResult.Authenticated(m.record().principal()));
        }
        assertThat(closed).as("the source is closed with the chain").isTrue();
        assertThatThrownBy(() -> ClientAuth.start(c, Map.of("SB_SECRET", secret)::get, clock))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ClientAuth/clients: virtualKeys.redis is"
                        + " not available in this process").hasMessageContaining("use virtualKeys.file");
        ClientAuth.RedisKeySource down = (redis, index, env) -> {
            throw new IllegalStateException("the virtual keys in Redis at 127.0.0.1:6390 cannot be read");
        };
        assertThatThrownBy(() -> ClientAuth.start(c, Map.of("SB_SECRET", secret)::get, clock, down))
                .isInstanceOf(ConfigException.class).hasMessageContaining("127.0.0.1:6390");
    }
}
