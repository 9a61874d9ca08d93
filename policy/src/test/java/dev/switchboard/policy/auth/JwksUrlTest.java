package dev.switchboard.policy.auth;

import dev.switchboard.testing.CapturedLogs;

import static dev.switchboard.policy.auth.JwtAuthenticatorTest.bearer;
import static dev.switchboard.policy.auth.JwtAuthenticatorTest.denied;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Keys fetched from a JWKS URL served by a JDK HttpServer on loopback, rotated while the gateway runs. */
class JwksUrlTest {
    static final RSAKey FIRST = Tokens.rsa("2026-11");
    static final RSAKey SECOND = Tokens.rsa("2026-12");

    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        volatile Instant now = Tokens.NOW;

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    HttpServer server;
    final AtomicReference<String> served = new AtomicReference<>();
    final AtomicInteger status = new AtomicInteger(200);
    final AtomicInteger fetches = new AtomicInteger();
    final MovableClock clock = new MovableClock();
    URI url;

    @BeforeEach
    void serve() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/.well-known/jwks.json", ex -> {
            fetches.incrementAndGet();
            byte[] body = served.get().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(status.get(), body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/.well-known/jwks.json");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private JwtAuthenticator authenticator() {
        return new JwtAuthenticator(Tokens.config(null, url), new JwksUrl(url, Duration.ofMinutes(10), clock), clock);
    }

    @Test
    void aRotatedKeyIsFetchedOnItsFirstUnknownKidAndTheOldOneStopsWorking() {
        served.set(Tokens.jwks(FIRST.toPublicJWK()));
        try (JwtAuthenticator jwt = authenticator()) {
            String first = Tokens.sign(FIRST, Tokens.claims().build());
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(bearer(jwt, first)).isInstanceOf(AuthResult.Authenticated.class));
            assertThat(fetches.get()).isEqualTo(1);

            served.set(Tokens.jwks(SECOND.toPublicJWK())); // the issuer rotates
            String second = Tokens.sign(SECOND, Tokens.claims().build());
            denied(bearer(jwt, second), 401, "token signed with an unknown key (kid); if the issuer rotated its keys,"
                    + " retry shortly");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(bearer(jwt, second)).isInstanceOf(AuthResult.Authenticated.class));
            denied(bearer(jwt, first), 401, "token signed with an unknown key");
            assertThat(fetches.get()).isEqualTo(2);
        }
    }

    @Test
    void unknownKidsRefetchAtMostOnceAMinute() throws Exception {
        served.set(Tokens.jwks(FIRST.toPublicJWK()));
        try (JwtAuthenticator jwt = authenticator()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> jwt.authenticate(ClientCredentials.ofHeaders(
                    java.util.Map.of("authorization", "Bearer " + Tokens.sign(FIRST, Tokens.claims().build()))))
                    instanceof AuthResult.Authenticated);
            for (int i = 0; i < 20; i++) { // made-up kids, one request each
                bearer(jwt, Tokens.sign(Tokens.rsa("made-up-" + i), Tokens.claims().build()));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> fetches.get() == 2);
            clock.now = clock.now.plusSeconds(59);
            bearer(jwt, Tokens.sign(SECOND, Tokens.claims().build()));
            clock.now = clock.now.plusSeconds(1);
            bearer(jwt, Tokens.sign(SECOND, Tokens.claims().expirationTime(java.util.Date.from(clock.now.plusSeconds(60)))
                    .build()));
            await().atMost(Duration.ofSeconds(10)).until(() -> fetches.get() == 3);
            Thread.sleep(200); // real I/O: give a wrongly scheduled fetch the time to show
            assertThat(fetches.get()).isEqualTo(3);
        }
    }

    @Test
    void untilTheFirstFetchSucceedsTokensAreRefusedSayingWhy() {
        served.set("{\"error\": \"down\"}");
        status.set(500);
        try (CapturedLogs logs = new CapturedLogs("dev.switchboard.policy.auth", "dev.switchboard.core.config"); JwtAuthenticator jwt = authenticator()) {
            String token = Tokens.sign(FIRST, Tokens.claims().build());
            await().atMost(Duration.ofSeconds(10)).until(() -> fetches.get() >= 1 && logs.text().contains("HTTP 500"));
            AuthResult.Denied d = denied(bearer(jwt, token), 401, "the signing keys from " + url
                    + " are not loaded yet (last attempt: HTTP 500); retry shortly");
            assertThat(d.code()).isEqualTo("keys_not_loaded");

            served.set(Tokens.jwks(FIRST.toPublicJWK()));
            status.set(200);
            // the refused token asked for a fetch (none is held, so its kid is unknown); a minute later the next one
            // may ask again, and that fetch loads the keys
            clock.now = clock.now.plusSeconds(60);
            bearer(jwt, token);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(bearer(jwt, token)).isInstanceOf(AuthResult.Authenticated.class));
            assertThat(logs.text()).doesNotContain(token);
        }
    }
}
