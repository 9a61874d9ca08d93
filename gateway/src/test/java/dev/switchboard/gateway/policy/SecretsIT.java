package dev.switchboard.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.core.config.SecurityPolicy;
import dev.switchboard.gateway.ScriptedUpstream;
import dev.switchboard.gateway.TestConfigs;
import dev.switchboard.gateway.admin.AccessLogCapture;
import dev.switchboard.gateway.server.GatewayServer;
import dev.switchboard.policy.Quota;
import dev.switchboard.policy.auth.KeyFile;
import dev.switchboard.policy.auth.KeyRecord;
import dev.switchboard.policy.auth.ServerSecret;
import dev.switchboard.policy.auth.VirtualKey;
import dev.switchboard.policy.guardrails.GuardrailAudit;
import dev.switchboard.testing.RedisServerProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * One gateway holding every kind of secret (virtual keys and their server secret, a JWT issuer's keys, a provider
 * key from a file, a Redis-backed limiter, a PII guardrail) driven through every way a credential can be right or
 * wrong (and through e-mails to redact, a malformed body, an upstream that refuses the provider key and a key file
 * rewritten wrong); then everything it wrote (every log event of every logger at every level, the access log, the
 * guardrail audit, every response's status, headers and body, the admin {@code /metrics} page, the keys it wrote to
 * Redis, stdout and stderr) is searched for each secret, and what the upstream received for any client credential.
 * Issue 12's "no secret in any output".
 *
 * <p>The Redis store has no password: the gateway reads the password variable with {@code System::getenv}, which a
 * test cannot set, so the password path ({@code RedisRateLimiter.create}) is not exercised here. Without a
 * {@code redis-server} on the PATH the limits are kept in memory and the rest of the test runs the same.
 */
class SecretsIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String MODEL = "gpt-4o-mini";
    static final String ISSUER = "https://login.secrets-it.test/";
    static final String PROVIDER_KEY = "sk-proj-PROVIDERtheGatewayHolds0123456789abcdefABCDEF";
    static final String CLIENT_PROVIDER_KEY = "sk-proj-CLIENTsentThisByMistake9876543210zyxwvuZYXWVU";
    static final String SERVER_SECRET = "server-secret-9f8e7d6c5b4a39281706f5e4d3c2b1a0-SECRETS-IT";
    static final String PROMPT_EMAIL = "ana.perez@secrets-it.example";
    static final String REPLY_EMAIL = "bob.ruiz@secrets-it.example";
    static final String REDIS_PREFIX = "secrets-it:";
    /** Prompt text a client sent unquoted (a malformed body), which a JSON parser's message would quote. */
    static final String BARE_WORD = "AnaPerez_card_4111111111111111";

    @TempDir
    static Path dir;
    static RedisServerProcess redis;
    static ScriptedUpstream upstream;
    static GatewayServer gateway;
    static RootCapture logs;
    static ConsoleCapture console;
    static AccessLogCapture accessLog;
    static final ListAppender<ILoggingEvent> audit = new ListAppender<>();
    static final HttpClient http = HttpClient.newHttpClient();

    static RSAKey signingKey;
    static String goodKey;
    static String goodKeyId;
    static String revokedKey;
    static String expiredKey;
    static ServerSecret serverSecret;
    /** Every secret the gateway holds or is sent, by what it is (for the failure message). */
    static final Map<String, String> secrets = new LinkedHashMap<>();
    /** Every response the API port gave: status, header names and values, body. */
    static final List<String> responses = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        console = ConsoleCapture.install();
        logs = RootCapture.install(); // before the gateway starts: config loading and startup are output too
        accessLog = AccessLogCapture.install();
        audit.start();
        ((Logger) LoggerFactory.getLogger(GuardrailAudit.LOGGER)).addAppender(audit);
        redis = RedisServerProcess.installed() ? RedisServerProcess.start() : null; // else limits in memory
        upstream = new ScriptedUpstream();

        Files.writeString(dir.resolve("secret"), SERVER_SECRET + "\n");
        serverSecret = ServerSecret.load(new SecurityPolicy.Secret(null, dir.resolve("secret")), name -> null);
        SecureRandom random = new SecureRandom();
        VirtualKey.Issued good = VirtualKey.generate(random);
        VirtualKey.Issued revoked = VirtualKey.generate(random);
        VirtualKey.Issued expired = VirtualKey.generate(random);
        goodKey = good.key();
        goodKeyId = good.id();
        revokedKey = revoked.key();
        expiredKey = expired.key();
        Instant now = Instant.now();
        KeyFile.write(dir.resolve("keys.json"), List.of(
                record(good, now, null, false), record(revoked, now, null, true),
                record(expired, now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1)), false)));
        for (VirtualKey.Issued k : List.of(good, revoked, expired)) {
            secrets.put("virtual key " + k.id(), k.key());
            secrets.put("secret part of " + k.id(), secretPart(k));
            secrets.put("HMAC of " + k.id(), serverSecret.hashHex(k.key()));
        }
        secrets.put("server secret", SERVER_SECRET);
        secrets.put("provider key", PROVIDER_KEY);
        secrets.put("provider key sent by a client", CLIENT_PROVIDER_KEY);
        secrets.put("e-mail in the prompt", PROMPT_EMAIL);
        secrets.put("e-mail in the reply", REPLY_EMAIL);
        secrets.put("prompt text of a malformed body", BARE_WORD);

        signingKey = new RSAKeyGenerator(2048).keyID("secrets-it-1").generate();
        Files.writeString(dir.resolve("jwks.json"), new JWKSet(signingKey.toPublicJWK()).toString(true));
        Files.writeString(dir.resolve("provider.key"), PROVIDER_KEY + "\n");

        String yaml = TestConfigs.of(TestConfigs.gateway(""), TestConfigs.route("""
                  - name: chat
                    matches: [{headers: [{name: x-ai-eg-model, value: %s}]}]
                    backendRefs: [{name: up}]
                """.formatted(MODEL)), TestConfigs.backend("up", upstream.port()), """
                apiVersion: aigateway.envoyproxy.io/v1beta1
                kind: BackendSecurityPolicy
                metadata: {name: up-key}
                spec:
                  targetRefs: [{name: up}]
                  type: APIKey
                  apiKey: {file: provider.key}
                ---
                apiVersion: switchboard.dev/v1alpha1
                kind: ClientAuth
                metadata: {name: clients}
                spec:
                  virtualKeys: {file: keys.json, secret: {file: secret}}
                  jwt:
                    issuer: %s
                    audiences: [switchboard]
                    jwksFile: jwks.json
                    requiredClaims: [org]
                    principal: {labels: {team: org}}
                ---
                apiVersion: switchboard.dev/v1alpha1
                kind: Guardrail
                metadata: {name: pii}
                spec:
                  targetRefs: [{name: main}]
                  steps:
                  - {name: pii, type: pii, action: redact, kinds: [email]}
                ---
                apiVersion: switchboard.dev/v1alpha1
                kind: RateLimitPolicy
                metadata: {name: limits}
                spec:
                  principalDefaults: {requestsPerMinute: 1000, tokensPerMinute: 1M}
                """.formatted(ISSUER) + (redis == null ? "" : """
                  store:
                    redis: {host: 127.0.0.1, port: %d, commandTimeout: 1s, keyPrefix: "%s"}
                """.formatted(redis.port, REDIS_PREFIX)));
        gateway = GatewayServer.start(ConfigLoader.parse(yaml, "secrets.yaml", dir), 1);
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (redis != null) {
            redis.close();
        }
        ((Logger) LoggerFactory.getLogger(GuardrailAudit.LOGGER)).detachAppender(audit);
        if (accessLog != null) {
            accessLog.close();
        }
        if (logs != null) {
            logs.close();
        }
        if (console != null) {
            console.close();
        }
    }

    static KeyRecord record(VirtualKey.Issued k, Instant created, Instant expires, boolean revoked) {
        return new KeyRecord(k.id(), serverSecret.hashHex(k.key()), Map.of("team", "search"), Set.of(), Set.of(),
                Quota.NONE, created, expires, revoked);
    }

    /** What follows {@code sk-sb-<id>-}: the part only the key's holder knows. */
    static String secretPart(VirtualKey.Issued k) {
        return k.key().substring(VirtualKey.PREFIX.length() + k.id().length() + 1);
    }

    @Test
    void noSecretReachesAnyOutputWhateverTheClientSends() throws Exception {
        // virtual keys
        upstream.reply(ScriptedUpstream.Reply.json(200, completion("hello")));
        assertThat(chat("authorization", "Bearer " + goodKey, null, "hi").statusCode()).as("good key").isEqualTo(200);
        String wrongSecret = goodKey.substring(0, goodKey.length() - 6) + (goodKey.endsWith("AAAAAA") ? "BBBBBB" : "AAAAAA");
        secrets.put("a wrong secret for the good id", wrongSecret);
        refused(chat("authorization", "Bearer " + wrongSecret, null, "hi"), "invalid_key");
        refused(chat("authorization", "Bearer " + revokedKey, null, "hi"), "key_revoked");
        refused(chat("authorization", "Bearer " + expiredKey, null, "hi"), "key_expired");
        refused(chat(null, null, "key=" + goodKey, "hi"), "credential_in_query");
        refused(chat("authorization", "Bearer " + goodKey, "api_key=" + goodKey, "hi"), "credential_in_query");
        refused(chat("authorization", "Bearer " + goodKey + "," + revokedKey, null, "hi"), "malformed_credentials");
        refused(chat("authorization", "Basic " + Base64.getEncoder().encodeToString(("user:" + goodKey)
                .getBytes(StandardCharsets.UTF_8)), null, "hi"), "malformed_credentials");
        refused(chat("authorization", "Bearer " + goodKey + "\u00e9", null, "hi"), "malformed_credentials");
        HttpResponse<String> unknownPath = send("/v1/no-such-api", "authorization", "Bearer " + goodKey,
                "key=" + goodKey, "{}");
        assertThat(unknownPath.statusCode()).as("an unknown path (404) or the key in its query (401): either says no")
                .isIn(401, 404);

        // JWTs
        String goodJwt = sign(claims().build());
        upstream.reply(ScriptedUpstream.Reply.json(200, completion("hello")));
        assertThat(chat("authorization", "Bearer " + goodJwt, null, "hi").statusCode()).as("good JWT").isEqualTo(200);
        String[] parts = goodJwt.split("\\.");
        String payload = new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8)
                .replace("user-42", "admin");
        String tampered = parts[0] + "." + Base64URL.encode(payload) + "." + parts[2];
        refused(chat("authorization", "Bearer " + tampered, null, "hi"), "invalid_token");
        String none = new PlainJWT(claims().build()).serialize();
        refused(chat("authorization", "Bearer " + none, null, "hi"), "invalid_token");
        String wrongAudience = sign(claims().audience("someone-else").build());
        refused(chat("authorization", "Bearer " + wrongAudience, null, "hi"), "invalid_token");
        for (String token : List.of(goodJwt, tampered, none, wrongAudience)) {
            secrets.put("JWT " + token.substring(0, 12) + "...", token);
        }
        secrets.put("good JWT's signature", parts[2]);
        secrets.put("wrong-audience JWT's signature", wrongAudience.split("\\.")[2]);

        // a provider's key sent by a client: not a credential the gateway knows, and never sent on
        refused(chat("authorization", "Bearer " + CLIENT_PROVIDER_KEY, null, "hi"), "invalid_credentials");
        refused(chat("x-api-key", CLIENT_PROVIDER_KEY, null, "hi"), "invalid_credentials");

        // an e-mail in the prompt is redacted before it is sent; one in the reply before the client gets it
        upstream.reply(ScriptedUpstream.Reply.json(200, completion("Write to " + REPLY_EMAIL + " instead.")));
        HttpResponse<String> redacted = chat("authorization", "Bearer " + goodKey, null,
                "Please forward this to " + PROMPT_EMAIL + " today.");
        assertThat(redacted.statusCode()).isEqualTo(200);
        assertThat(redacted.body()).contains("[REDACTED:EMAIL]");

        // the same in a stream, the e-mail split across its events, with the key in the Azure SDKs' header
        upstream.reply(ScriptedUpstream.Reply.sse(List.of(chunk("Or try "), chunk(REPLY_EMAIL.substring(0, 6)),
                chunk(REPLY_EMAIL.substring(6)), chunk(" soon."), STOP, "data: [DONE]\n\n")));
        HttpResponse<String> streamed = send("/v1/chat/completions", "api-key", goodKey, null, """
                {"model":"%s","stream":true,"messages":[{"role":"user","content":"who else?"}]}""".formatted(MODEL));
        assertThat(streamed.statusCode()).isEqualTo(200);
        assertThat(streamed.body()).contains("[REDACTED:EMAIL]").contains("[DONE]");

        // a malformed body: the parser's complaint names where, and quotes none of the client's text
        HttpResponse<String> malformed = send("/v1/chat/completions", "authorization", "Bearer " + goodKey, null, """
                {"model":"%s","messages":[{"role":"user","content":nullified_%s}]}""".formatted(MODEL, BARE_WORD));
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(malformed.body()).path("error").path("message").asText()).contains("not valid JSON");

        // the provider refuses the gateway's key: the client gets the error in its own shape
        String openAiRefusal = """
                {"error":{"message":"Incorrect API key provided: sk-proj-****CDEF. You can find your API key at \
                https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,\
                "code":"invalid_api_key"}}""";
        upstream.reply(ScriptedUpstream.Reply.json(401, openAiRefusal));
        HttpResponse<String> openAiShape = chat("authorization", "Bearer " + goodKey, null, "hi");
        assertThat(openAiShape.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(openAiShape.body()).path("error").path("code").asText()).isEqualTo("invalid_api_key");
        upstream.reply(ScriptedUpstream.Reply.json(401, openAiRefusal));
        HttpResponse<String> anthropicShape = send("/v1/messages", "x-api-key", goodKey, null, """
                {"model":"%s","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}""".formatted(MODEL));
        assertThat(anthropicShape.statusCode()).isEqualTo(401);
        JsonNode anthropicError = JSON.readTree(anthropicShape.body());
        assertThat(anthropicError.path("type").asText()).as(anthropicShape.body()).isEqualTo("error");
        assertThat(anthropicError.path("error").path("type").asText()).isEqualTo("authentication_error");

        // what the upstream was sent: the provider key every time, never a client's credential or the e-mail
        List<ScriptedUpstream.Seen> seen = new ArrayList<>();
        for (ScriptedUpstream.Seen s; (s = upstream.poll(200)) != null; ) {
            seen.add(s);
        }
        assertThat(seen).as("the good key, the good JWT, the redacted prompt, the stream and the two refused by the"
                + " provider").hasSize(6);
        for (ScriptedUpstream.Seen s : seen) {
            assertThat(s.headers()).containsEntry("authorization", "Bearer " + PROVIDER_KEY)
                    .doesNotContainKeys("x-api-key", "api-key", "x-goog-api-key");
            String all = s.pathAndQuery() + s.headers() + s.bodyText();
            for (String client : List.of(goodKey, secretPart(good()), goodJwt, CLIENT_PROVIDER_KEY, PROMPT_EMAIL)) {
                assertThat(all).as("what the upstream was sent").doesNotContain(client);
            }
        }
        assertThat(seen.get(2).bodyText()).contains("[REDACTED:EMAIL]");

        // the capture saw the requests: the access log names the principals, the audit the redactions
        // (refusals by ClientAuth write no access-log line today: only the requests that were sent upstream do)
        await().atMost(Duration.ofSeconds(5)).until(() -> accessLog.lines.size() >= seen.size());
        assertThat(String.join("\n", accessLog.lines)).contains(goodKeyId).contains("user-42");
        await().atMost(Duration.ofSeconds(5)).until(() -> audit.list.size() >= 3);
        assertThat(audit.list).extracting(ILoggingEvent::getFormattedMessage)
                .anySatisfy(l -> assertThat(l).contains("direction=request").contains("rule=pii/email")
                        .contains("principal=" + goodKeyId))
                .anySatisfy(l -> assertThat(l).contains("direction=response").contains("rule=pii/email"));

        // a key file rewritten wrong: the gateway says where, never what (the hashes are what it would quote)
        String hash = serverSecret.hashHex(goodKey);
        Files.writeString(dir.resolve("keys.json"), "{\"keys\": [{\"id\": \"" + goodKeyId + "\", \"hash\": " + hash);
        await().atMost(Duration.ofSeconds(5)).until(() -> logs.text().contains("not valid JSON"));
        Files.writeString(dir.resolve("keys.json"), "{\"keys\": [{\"id\": \"" + goodKeyId + "\", \"hash\": \""
                + hash.substring(1) + "\", \"createdAt\": \"2026-12-01T10:00:00Z\"}]}");
        await().atMost(Duration.ofSeconds(5)).until(() -> logs.text().contains("expected 64 lower-case hex digits"));
        secrets.put("a truncated HMAC in a broken key file", hash.substring(1));

        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.adminPort()
                + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("gen_ai_");
        String redisKeys = "";
        if (redis != null) {
            redisKeys = redis.command("KEYS " + REDIS_PREFIX + "*");
            assertThat(redisKeys).as("the limiter used Redis").contains(REDIS_PREFIX + "p/" + goodKeyId);
        }

        Map<String, String> outputs = new LinkedHashMap<>();
        outputs.put("logs (root logger, all levels)", logs.text());
        outputs.put("access log", String.join("\n", accessLog.lines));
        outputs.put("guardrail audit", String.join("\n", audit.list.stream().map(ILoggingEvent::getFormattedMessage)
                .toList()));
        outputs.put("responses", String.join("\n", responses));
        outputs.put("admin /metrics", metrics);
        outputs.put("Redis keys", redisKeys);
        outputs.put("stdout and stderr", console.text());
        List<String> leaks = new ArrayList<>();
        outputs.forEach((output, text) -> secrets.forEach((what, secret) -> {
            if (text.contains(secret)) {
                leaks.add(what + " in " + output);
            }
        }));
        assertThat(leaks).as("secrets found in the gateway's output").isEmpty();
        assertThat(logs.text()).as("the root capture saw the gateway's own loggers").contains("dev.switchboard");
    }

    static VirtualKey.Issued good() {
        return new VirtualKey.Issued(goodKeyId, goodKey);
    }

    static void refused(HttpResponse<String> r, String code) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
        assertThat(JSON.readTree(r.body()).path("error").path("code").asText()).as(r.body()).isEqualTo(code);
    }

    static HttpResponse<String> chat(String header, String value, String query, String prompt) throws Exception {
        return send("/v1/chat/completions", header, value, query, """
                {"model":"%s","max_tokens":20,"messages":[{"role":"user","content":%s}]}"""
                .formatted(MODEL, JSON.writeValueAsString(prompt)));
    }

    /** Sends one request and keeps everything the client got back. */
    static HttpResponse<String> send(String path, String header, String value, String query, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path
                        + (query == null ? "" : "?" + query))).header("content-type", "application/json")
                .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (header != null) {
            b.header(header, value);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        responses.add(r.statusCode() + " " + r.headers().map() + "\n" + r.body());
        return r;
    }

    static String completion(String text) throws Exception {
        return """
                {"id":"c1","object":"chat.completion","created":1,"model":"%s","choices":[{"index":0,
                "message":{"role":"assistant","content":%s},"finish_reason":"stop"}],
                "usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}"""
                .formatted(MODEL, JSON.writeValueAsString(text));
    }

    static String chunk(String text) throws Exception {
        return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"" + MODEL
                + "\",\"choices\":[{\"index\":0,\"delta\":{\"content\":" + JSON.writeValueAsString(text)
                + "},\"finish_reason\":null}]}\n\n";
    }

    static final String STOP = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\""
            + MODEL + "\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n";

    static JWTClaimsSet.Builder claims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(ISSUER).audience("switchboard").subject("user-42")
                .issueTime(Date.from(now.minusSeconds(10))).expirationTime(Date.from(now.plusSeconds(600)))
                .claim("org", "search");
    }

    static String sign(JWTClaimsSet claims) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signingKey.getKeyID())
                .type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new RSASSASigner(signingKey));
        return jwt.serialize();
    }

    /**
     * Every event of every logger, at every level, while installed: the root logger at TRACE with this appender
     * alone, and every logger configured with its own level (io.netty in the test config) set to TRACE too, so
     * nothing is filtered before it gets here. The console appenders are detached meanwhile (TRACE would flood
     * the test output) and restored by {@link #close}.
     */
    static final class RootCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
        private final Queue<String> lines = new ConcurrentLinkedQueue<>();
        private final Logger root;
        private final Map<Logger, Level> levels = new LinkedHashMap<>();
        private final List<Appender<ILoggingEvent>> detached = new ArrayList<>();

        private RootCapture() {
            LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
            root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            for (Logger l : context.getLoggerList()) {
                if (l.getLevel() != null) {
                    levels.put(l, l.getLevel());
                    l.setLevel(Level.TRACE);
                }
            }
            root.iteratorForAppenders().forEachRemaining(detached::add);
            detached.forEach(root::detachAppender);
            setContext(context);
            setName("secrets-capture");
            start();
            root.addAppender(this);
        }

        static RootCapture install() {
            return new RootCapture();
        }

        /**
         * Formats each event as it comes (its arguments as they are then): level, logger, formatted message,
         * key-value pairs, MDC, and the whole throwable with its causes and stack.
         */
        @Override
        protected void append(ILoggingEvent e) {
            StringBuilder b = new StringBuilder();
            b.append(e.getLevel()).append(' ').append(e.getLoggerName()).append(" - ").append(e.getFormattedMessage());
            if (e.getKeyValuePairs() != null && !e.getKeyValuePairs().isEmpty()) {
                b.append(' ').append(e.getKeyValuePairs());
            }
            if (!e.getMDCPropertyMap().isEmpty()) {
                b.append(' ').append(e.getMDCPropertyMap());
            }
            if (e.getThrowableProxy() != null) {
                b.append('\n').append(ThrowableProxyUtil.asString(e.getThrowableProxy()));
            }
            lines.add(b.toString());
        }

        /** Every event so far, one a line (a throwable's lines after its event's). */
        String text() {
            return String.join("\n", lines);
        }

        @Override
        public void close() {
            root.detachAppender(this);
            stop();
            detached.forEach(root::addAppender);
            levels.forEach(Logger::setLevel);
        }
    }

    /** What is printed to {@code System.out} and {@code System.err} while installed, still passed on to both. */
    static final class ConsoleCapture implements AutoCloseable {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final PrintStream out = System.out;
        private final PrintStream err = System.err;

        private ConsoleCapture() {
            System.setOut(new PrintStream(new Tee(out), true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(new Tee(err), true, StandardCharsets.UTF_8));
        }

        static ConsoleCapture install() {
            return new ConsoleCapture();
        }

        String text() {
            synchronized (bytes) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }

        @Override
        public void close() {
            System.setOut(out);
            System.setErr(err);
        }

        private final class Tee extends OutputStream {
            private final OutputStream next;

            Tee(OutputStream next) {
                this.next = next;
            }

            @Override
            public void write(int b) throws IOException {
                synchronized (bytes) {
                    bytes.write(b);
                }
                next.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                synchronized (bytes) {
                    bytes.write(b, off, len);
                }
                next.write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                next.flush();
            }
        }
    }
}
