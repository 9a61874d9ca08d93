package dev.switchboard.policy.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.policy.Quota;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The key file: one JSON object with a list of hashed key records, written by {@code switchboard keys} and watched
 * by the gateway.
 *
 * <pre>{@code
 * {"keys": [
 *   {"id": "3f2a9c4e1b7d8a60", "hash": "<64 hex digits: HMAC-SHA-256(server secret, key)>",
 *    "createdAt": "2026-12-01T10:00:00Z", "expiresAt": "2027-03-01T10:00:00Z", "revoked": false,
 *    "labels": {"team": "search", "user": "ana"}, "models": ["gpt-4o-mini"], "routes": ["chat"],
 *    "limits": {"requestsPerMinute": 60, "tokensPerMinute": 100000, "budget": {"usd": "12.5", "period": "30d"}}}
 * ]}
 * }</pre>
 *
 * Absent {@code expiresAt}, {@code models}, {@code routes}, {@code limits} fields mean no expiry, any model, any
 * route, no limit. Errors name the record and the field but never quote a value: the file holds hashes, and a
 * hand-edited one may hold a pasted key.
 */
public final class KeyFile {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();
    /** The same mapper without indentation: one record on one line. */
    private static final ObjectMapper COMPACT = JSON.copy().disable(SerializationFeature.INDENT_OUTPUT);

    private KeyFile() {}

    /** Reads a key file's content; IllegalArgumentException with a message that holds no part of the content. */
    public static List<KeyRecord> parse(byte[] content) {
        JsonNode root;
        try {
            root = JSON.readTree(content);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON" + (e.getLocation() == null ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        if (root == null || !root.isObject() || !root.path("keys").isArray()) {
            throw new IllegalArgumentException("expected an object with a list \"keys\"");
        }
        only(root, "the file", Set.of("keys"));
        List<KeyRecord> keys = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        ArrayNode list = (ArrayNode) root.get("keys");
        for (int i = 0; i < list.size(); i++) {
            String where = "keys[" + i + "]";
            KeyRecord r = record(list.get(i), where);
            if (!ids.add(r.id())) {
                throw new IllegalArgumentException(where + ": the id " + r.id() + " is used twice");
            }
            keys.add(r);
        }
        return List.copyOf(keys);
    }

    /** Reads the file; a file that does not exist yet holds no keys. IllegalArgumentException naming it when it is bad. */
    public static List<KeyRecord> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return parse(Files.readAllBytes(file));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the key file " + file + " cannot be used: " + e.getMessage(), e);
        }
    }

    /**
     * Replaces the file with {@code keys}, atomically: written to a temporary file beside it (owner-only
     * permissions where the file system has them) and moved over it, so a watching gateway reads the old file or
     * the new one, never half of one.
     */
    public static void write(Path file, List<KeyRecord> keys) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                ? Files.createTempFile(dir, ".keys-", ".tmp", PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(dir, ".keys-", ".tmp");
        try {
            Files.write(tmp, serialize(keys));
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static byte[] serialize(List<KeyRecord> keys) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("keys");
        for (KeyRecord k : keys) {
            list.add(node(k));
        }
        try {
            byte[] json = JSON.writeValueAsBytes(root);
            byte[] withNewline = java.util.Arrays.copyOf(json, json.length + 1);
            withNewline[json.length] = '\n';
            return withNewline;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always serializes", e);
        }
    }

    /**
     * One record as the key file writes it, on one line (what a shared store keeps per key: the hash, never the
     * key).
     */
    public static String recordJson(KeyRecord record) {
        try {
            return COMPACT.writeValueAsString(node(record));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always serializes", e);
        }
    }

    /**
     * Reads one record written by {@link #recordJson}; IllegalArgumentException naming {@code where} and the field,
     * never quoting the content.
     */
    public static KeyRecord parseRecord(String json, String where) {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(where + ": not valid JSON");
        }
        if (n == null) {
            throw new IllegalArgumentException(where + ": empty");
        }
        return record(n, where);
    }

    private static ObjectNode node(KeyRecord k) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", k.id());
        n.put("hash", k.hash());
        n.put("createdAt", k.createdAt().toString());
        if (k.expiresAt() != null) {
            n.put("expiresAt", k.expiresAt().toString());
        }
        n.put("revoked", k.revoked());
        k.labels().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> n.withObjectProperty("labels").put(e.getKey(), e.getValue()));
        k.models().stream().sorted().forEach(n.withArrayProperty("models")::add);
        k.routes().stream().sorted().forEach(n.withArrayProperty("routes")::add);
        Quota q = k.quota();
        if (!q.equals(Quota.NONE)) {
            ObjectNode limits = n.putObject("limits");
            if (q.requestsPerMinute() >= 0) {
                limits.put("requestsPerMinute", q.requestsPerMinute());
            }
            if (q.tokensPerMinute() >= 0) {
                limits.put("tokensPerMinute", q.tokensPerMinute());
            }
            if (q.budget() != null) {
                limits.putObject("budget").put("usd", Money.usd(q.budget().microDollars()))
                        .put("period", Periods.format(q.budget().period()));
            }
        }
        return n;
    }

    private static KeyRecord record(JsonNode n, String where) {
        if (!n.isObject()) {
            throw new IllegalArgumentException(where + ": expected an object");
        }
        only(n, where, Set.of("id", "hash", "createdAt", "expiresAt", "revoked", "labels", "models", "routes", "limits"));
        String id = text(n, where, "id", true);
        if (!VirtualKey.isId(id)) {
            throw new IllegalArgumentException(where + ".id: expected 16 lower-case hex digits");
        }
        String hash = text(n, where, "hash", true);
        if (!hash.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException(where + ".hash: expected 64 lower-case hex digits");
        }
        JsonNode revoked = n.path("revoked");
        if (!revoked.isMissingNode() && !revoked.isBoolean()) {
            throw new IllegalArgumentException(where + ".revoked: expected true or false");
        }
        return new KeyRecord(id, hash, labels(n, where), strings(n, where, "models"), strings(n, where, "routes"),
                limits(n.path("limits"), where + ".limits"), instant(n, where, "createdAt", true),
                instant(n, where, "expiresAt", false), revoked.asBoolean(false));
    }

    private static Quota limits(JsonNode n, String where) {
        if (n.isMissingNode() || n.isNull()) {
            return Quota.NONE;
        }
        if (!n.isObject()) {
            throw new IllegalArgumentException(where + ": expected an object");
        }
        only(n, where, Set.of("requestsPerMinute", "tokensPerMinute", "budget"));
        Quota.Budget budget = null;
        JsonNode b = n.path("budget");
        if (!b.isMissingNode() && !b.isNull()) {
            if (!b.isObject()) {
                throw new IllegalArgumentException(where + ".budget: expected an object");
            }
            only(b, where + ".budget", Set.of("usd", "period"));
            String usd = text(b, where + ".budget", "usd", true);
            String period = text(b, where + ".budget", "period", true);
            try {
                budget = new Quota.Budget(Money.microDollars(usd), Periods.parse(period));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ".budget: expected usd like \"12.50\" and period like \"30d\"");
            }
        }
        return new Quota(count(n, where, "requestsPerMinute"), count(n, where, "tokensPerMinute"), budget);
    }

    private static long count(JsonNode n, String where, String field) {
        JsonNode v = n.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return -1;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
            throw new IllegalArgumentException(where + "." + field + ": expected a whole number of zero or more");
        }
        return v.asLong();
    }

    private static Map<String, String> labels(JsonNode n, String where) {
        JsonNode v = n.path("labels");
        Map<String, String> out = new LinkedHashMap<>();
        if (v.isMissingNode() || v.isNull()) {
            return out;
        }
        if (!v.isObject()) {
            throw new IllegalArgumentException(where + ".labels: expected an object of strings");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new IllegalArgumentException(where + ".labels." + e.getKey() + ": expected a string");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    private static Set<String> strings(JsonNode n, String where, String field) {
        JsonNode v = n.path(field);
        Set<String> out = new LinkedHashSet<>();
        if (v.isMissingNode() || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            throw new IllegalArgumentException(where + "." + field + ": expected a list of strings");
        }
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual() || v.get(i).asText().isEmpty()) {
                throw new IllegalArgumentException(where + "." + field + "[" + i + "]: expected a non-empty string");
            }
            out.add(v.get(i).asText());
        }
        return out;
    }

    private static Instant instant(JsonNode n, String where, String field, boolean required) {
        JsonNode v = n.path(field);
        if (v.isMissingNode() || v.isNull()) {
            if (required) {
                throw new IllegalArgumentException(where + "." + field + ": required");
            }
            return null;
        }
        try {
            return Instant.parse(v.asText());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(where + "." + field + ": expected a UTC time like 2026-12-01T10:00:00Z");
        }
    }

    private static String text(JsonNode n, String where, String field, boolean required) {
        JsonNode v = n.path(field);
        if (v.isMissingNode() || v.isNull()) {
            if (required) {
                throw new IllegalArgumentException(where + "." + field + ": required");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException(where + "." + field + ": expected a string");
        }
        return v.asText();
    }

    private static void only(JsonNode n, String where, Set<String> known) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                // the field's name is the writer's, not a value; but cap it, a pasted key could be a name too
                throw new IllegalArgumentException(where + ": unknown field (" + f.length() + " characters); expected"
                        + " one of " + String.join(", ", new java.util.TreeSet<>(known)));
            }
        }
    }
}
