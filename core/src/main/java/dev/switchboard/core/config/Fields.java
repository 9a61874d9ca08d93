package dev.switchboard.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Strict reading of one YAML object: every field read is checked for its type, every field not expected is an
 * error, and every error names where it is ({@code <where>: spec.rules[0].weight: expected ...}). Shared by every
 * configuration kind's loader.
 */
public final class Fields {
    private final JsonNode node;
    private final String where;
    private final String path;
    private final int document;

    /** Reads {@code node}; errors are prefixed with {@code where} and {@code path}. */
    public Fields(JsonNode node, String where, String path) {
        this(node, where, path, -1);
    }

    /** The same, for document {@code document} of a set: its errors name it ({@link ConfigException#document()}). */
    public Fields(JsonNode node, String where, String path, int document) {
        this.node = node;
        this.where = where;
        this.path = path;
        this.document = document;
    }

    /** The JSON this reads (for comparing two documents). */
    public JsonNode node() {
        return node;
    }

    /** Fails on any field of this object outside {@code known}. */
    public Fields only(String... known) throws ConfigException {
        if (!node.isObject()) {
            throw at(path, "expected an object, got " + describe(node));
        }
        Set<String> allowed = Set.of(known);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw at(child(f), "unknown field; expected one of " + String.join(", ", new java.util.TreeSet<>(allowed)));
            }
        }
        return this;
    }

    /** The field names of this object, in order. */
    public java.util.Iterator<String> fieldNames() {
        return node.fieldNames();
    }

    public boolean has(String field) {
        JsonNode v = node.get(field);
        return v != null && !v.isNull();
    }

    public Fields object(String field) throws ConfigException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw at(child(field), "required");
        }
        return new Fields(v, where, child(field), document);
    }

    /** The object at {@code field}, or an empty object when absent. */
    public Fields optionalObject(String field) throws ConfigException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return new Fields(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(), where, child(field),
                    document);
        }
        if (!v.isObject()) {
            throw at(child(field), "expected an object, got " + describe(v));
        }
        return new Fields(v, where, child(field), document);
    }

    public String string(String field) throws ConfigException {
        String s = optionalString(field, null);
        if (s == null || s.isEmpty()) {
            throw at(child(field), "required: a non-empty string");
        }
        return s;
    }

    public String optionalString(String field, String dflt) throws ConfigException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isTextual()) {
            throw at(child(field), "expected a string, got " + describe(v));
        }
        return v.asText();
    }

    public int integer(String field, int dflt, int min, int max) throws ConfigException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
            throw at(child(field), "expected an integer in [" + min + ", " + max + "], got " + describe(v));
        }
        return v.asInt();
    }

    public double number(String field, double dflt, double min, double max) throws ConfigException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max) {
            throw at(child(field), "expected a number in [" + min + ", " + max + "], got " + describe(v));
        }
        return v.asDouble();
    }

    /**
     * A Kubernetes quantity ({@code 100}, {@code 1k}, {@code 1Gi}), written as a number or a string; {@code dflt}
     * when absent.
     */
    public long quantity(String field, long dflt) throws ConfigException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (v.isIntegralNumber() && v.canConvertToLong() && v.asLong() >= 0) {
            return v.asLong();
        }
        if (!v.isTextual()) {
            throw at(child(field), "expected a quantity like 100, 1k, 500M or 1Gi, got " + describe(v));
        }
        try {
            return Quantities.parse(v.asText());
        } catch (IllegalArgumentException e) {
            throw at(child(field), e.getMessage());
        }
    }

    public boolean bool(String field, boolean dflt) throws ConfigException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw at(child(field), "expected true or false, got " + describe(v));
        }
        return v.asBoolean();
    }

    public Duration duration(String field, Duration dflt) throws ConfigException {
        String s = optionalString(field, null);
        if (s == null) {
            return dflt;
        }
        try {
            return Durations.parse(s);
        } catch (IllegalArgumentException e) {
            throw at(child(field), e.getMessage());
        }
    }

    /** Each element of the list at {@code field} (absent = empty), read by {@code read}. */
    public <T> List<T> list(String field, Reader<T> read) throws ConfigException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw at(child(field), "expected a list, got " + describe(v));
        }
        List<T> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            out.add(read.read(new Fields(v.get(i), where, child(field) + "[" + i + "]", document)));
        }
        return out;
    }

    public List<String> strings(String field) throws ConfigException {
        return list(field, Fields::text);
    }

    /** This node as a string (an element of a list of strings). */
    public String text() throws ConfigException {
        if (!node.isTextual()) {
            throw at(path, "expected a string, got " + describe(node));
        }
        return node.asText();
    }

    /** An error at this object's path. */
    public ConfigException error(String message) {
        return at(path, message);
    }

    /** An error at this object's field {@code field}. */
    public ConfigException error(String field, String message) {
        return at(child(field), message);
    }

    private ConfigException at(String absolutePath, String message) {
        return new ConfigException(where + ": " + (absolutePath.isEmpty() ? "" : absolutePath + ": ") + message, document);
    }

    public String path() {
        return path;
    }

    private String child(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    static String describe(JsonNode v) {
        String text = v.toString();
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }

    @FunctionalInterface
    public interface Reader<T> {
        T read(Fields f) throws ConfigException;
    }
}
