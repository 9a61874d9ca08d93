package dev.switchboard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The part of Kubernetes' CRD schema handling that deploy/crds/ uses, written out so the tests can check the files
 * without an API server.
 *
 * <p>{@link #structuralErrors} checks the rules of a structural schema (apiextensions.k8s.io/v1): every object
 * field and array item has a type, unless it is {@code x-kubernetes-int-or-string} or
 * {@code x-kubernetes-preserve-unknown-fields}; inside {@code allOf}, {@code anyOf}, {@code oneOf} and {@code not}
 * there is no {@code type}, {@code description}, {@code default}, {@code additionalProperties} or {@code nullable}
 * (except the int-or-string {@code anyOf: [{type: integer}, {type: string}]}), and every field named there is also
 * named outside; {@code properties} and {@code additionalProperties} are not both set; {@code metadata} is not
 * restricted.
 *
 * <p>{@link #validate} applies the keywords the files use: type, properties (an unknown field is an error, as
 * kubectl's strict field validation makes it), additionalProperties, required, enum, pattern, minLength, items,
 * minItems, minimum, maximum, and the junctors. The root's {@code metadata} is left to the API server, as
 * Kubernetes does. It does not evaluate CEL ({@code x-kubernetes-validations}, which
 * the files do not use) or formats.
 */
final class CrdSchema {
    private static final Set<String> JUNCTORS = Set.of("allOf", "anyOf", "oneOf", "not");
    private static final Set<String> NOT_IN_JUNCTORS = Set.of("type", "description", "default",
            "additionalProperties", "nullable");

    private CrdSchema() {}

    /** The structural-schema violations of {@code root} (an openAPIV3Schema), each naming its path. */
    static List<String> structuralErrors(JsonNode root) {
        List<String> errors = new ArrayList<>();
        JsonNode metadata = root.path("properties").path("metadata");
        if (!metadata.isMissingNode() && (metadata.size() != 1 || !"object".equals(metadata.path("type").asText()))) {
            errors.add("metadata: only {type: object} is allowed at the root");
        }
        structural(root, "", false, errors);
        return errors;
    }

    private static void structural(JsonNode s, String path, boolean inJunctor, List<String> errors) {
        boolean intOrString = s.path("x-kubernetes-int-or-string").asBoolean(false);
        boolean preserve = s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        if (inJunctor) {
            for (String k : NOT_IN_JUNCTORS) {
                if (s.has(k)) {
                    errors.add(path + ": '" + k + "' inside a junctor");
                }
            }
        } else if (!s.has("type") && !intOrString && !preserve) {
            errors.add(path + ": no type");
        }
        if (s.has("properties") && s.has("additionalProperties")) {
            errors.add(path + ": both properties and additionalProperties");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = s.path("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            structural(p.getValue(), path + "." + p.getKey(), inJunctor, errors);
        }
        if (s.path("additionalProperties").isObject()) {
            structural(s.get("additionalProperties"), path + ".*", inJunctor, errors);
        }
        if (s.has("items")) {
            structural(s.get("items"), path + "[]", inJunctor, errors);
        }
        for (String j : JUNCTORS) {
            if (!s.has(j)) {
                continue;
            }
            if (intOrString && j.equals("anyOf") && isIntOrStringPair(s.get(j))) {
                continue;
            }
            for (JsonNode branch : j.equals("not") ? List.of(s.get(j)) : iterable(s.get(j))) {
                structural(branch, path + "(" + j + ")", true, errors);
                for (Iterator<String> names = branch.path("properties").fieldNames(); names.hasNext(); ) {
                    String name = names.next();
                    if (!s.path("properties").has(name)) {
                        errors.add(path + "(" + j + ")." + name + ": not specified outside the junctor");
                    }
                }
            }
        }
    }

    private static boolean isIntOrStringPair(JsonNode anyOf) {
        return anyOf.size() == 2 && "integer".equals(anyOf.get(0).path("type").asText())
                && "string".equals(anyOf.get(1).path("type").asText()) && anyOf.get(0).size() == 1
                && anyOf.get(1).size() == 1;
    }

    /** What is wrong with {@code value} under {@code schema}; empty when it is valid. */
    static List<String> validate(JsonNode schema, JsonNode value) {
        List<String> errors = new ArrayList<>();
        check(schema, value, "", false, errors);
        return errors;
    }

    private static void check(JsonNode s, JsonNode v, String path, boolean inJunctor, List<String> errors) {
        boolean intOrString = s.path("x-kubernetes-int-or-string").asBoolean(false);
        boolean preserve = s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        String type = s.path("type").asText("");
        if (intOrString && !(v.isIntegralNumber() || v.isTextual())) {
            errors.add(path + ": expected an integer or a string, got " + v);
            return;
        }
        if (!type.isEmpty() && !hasType(v, type)) {
            errors.add(path + ": expected " + type + ", got " + v);
            return;
        }
        if (s.has("enum") && !contains(s.get("enum"), v)) {
            errors.add(path + ": " + v + " is not one of " + s.get("enum"));
        }
        if (v.isTextual()) {
            if (s.has("pattern") && !Pattern.compile(s.get("pattern").asText()).matcher(v.asText()).find()) {
                errors.add(path + ": '" + v.asText() + "' does not match " + s.get("pattern").asText());
            }
            if (s.has("minLength") && v.asText().length() < s.get("minLength").asInt()) {
                errors.add(path + ": shorter than " + s.get("minLength").asInt());
            }
        }
        if (v.isNumber()) {
            if (s.has("minimum") && v.decimalValue().compareTo(s.get("minimum").decimalValue()) < 0) {
                errors.add(path + ": " + v + " is below " + s.get("minimum"));
            }
            if (s.has("maximum") && v.decimalValue().compareTo(s.get("maximum").decimalValue()) > 0) {
                errors.add(path + ": " + v + " is above " + s.get("maximum"));
            }
        }
        if (v.isObject()) {
            for (JsonNode r : iterable(s.path("required"))) {
                if (!v.has(r.asText()) || v.get(r.asText()).isNull()) {
                    errors.add(path + "." + r.asText() + ": required");
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                JsonNode fs = s.path("properties").get(f.getKey());
                if (path.isEmpty() && f.getKey().equals("metadata")) {
                    continue; // ObjectMeta, which the API server validates itself
                }
                if (fs != null) {
                    check(fs, f.getValue(), path + "." + f.getKey(), inJunctor, errors);
                } else if (s.path("additionalProperties").isObject()) {
                    check(s.get("additionalProperties"), f.getValue(), path + "." + f.getKey(), inJunctor, errors);
                } else if (!inJunctor && !preserve) {
                    errors.add(path + "." + f.getKey() + ": unknown field");
                }
            }
        }
        if (v.isArray()) {
            if (s.has("minItems") && v.size() < s.get("minItems").asInt()) {
                errors.add(path + ": fewer than " + s.get("minItems").asInt() + " items");
            }
            for (int i = 0; s.has("items") && i < v.size(); i++) {
                check(s.get("items"), v.get(i), path + "[" + i + "]", inJunctor, errors);
            }
        }
        junctors(s, v, path, intOrString, errors);
    }

    private static void junctors(JsonNode s, JsonNode v, String path, boolean intOrString, List<String> errors) {
        if (s.has("allOf")) {
            for (JsonNode b : s.get("allOf")) {
                check(b, v, path, true, errors);
            }
        }
        if (s.has("anyOf") && !(intOrString && isIntOrStringPair(s.get("anyOf")))
                && matching(s.get("anyOf"), v, path) == 0) {
            errors.add(path + ": matches none of anyOf " + s.get("anyOf"));
        }
        if (s.has("oneOf") && matching(s.get("oneOf"), v, path) != 1) {
            errors.add(path + ": matches " + matching(s.get("oneOf"), v, path) + " of oneOf, not exactly one");
        }
        if (s.has("not")) {
            List<String> inner = new ArrayList<>();
            check(s.get("not"), v, path, true, inner);
            if (inner.isEmpty()) {
                errors.add(path + ": matches not " + s.get("not"));
            }
        }
    }

    private static int matching(JsonNode branches, JsonNode v, String path) {
        int n = 0;
        for (JsonNode b : branches) {
            List<String> inner = new ArrayList<>();
            check(b, v, path, true, inner);
            n += inner.isEmpty() ? 1 : 0;
        }
        return n;
    }

    private static boolean hasType(JsonNode v, String type) {
        return switch (type) {
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            case "string" -> v.isTextual();
            case "integer" -> v.isIntegralNumber();
            case "number" -> v.isNumber();
            case "boolean" -> v.isBoolean();
            default -> throw new IllegalArgumentException("unknown type " + type);
        };
    }

    private static boolean contains(JsonNode values, JsonNode v) {
        for (JsonNode e : values) {
            if (e.equals(v) || e.isNumber() && v.isNumber() && e.decimalValue().compareTo(v.decimalValue()) == 0) {
                return true;
            }
        }
        return false;
    }

    private static Iterable<JsonNode> iterable(JsonNode n) {
        return n::elements;
    }
}
