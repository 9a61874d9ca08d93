package dev.switchboard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/** Reading the repository's deployment files for {@link DeployFilesTest}: YAML documents, CRD schemas, RBAC rules. */
final class DeployFiles {
    /** The repository root: tests run in the module's directory. */
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path CRDS = ROOT.resolve("deploy/crds");
    static final Path MANIFESTS = ROOT.resolve("deploy/manifests");
    static final Path CHART = ROOT.resolve("deploy/helm/switchboard");
    static final Path GATEWAY_EXAMPLE = ROOT.resolve("examples/kubernetes/gateway");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private DeployFiles() {}

    /** The non-empty YAML documents of {@code file}. */
    static List<JsonNode> documents(Path file) {
        try {
            return documents(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(file.toString(), e);
        }
    }

    static List<JsonNode> documents(String yaml) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            for (JsonNode d : it.readAll()) {
                if (d != null && !d.isNull() && !d.isEmpty()) {
                    out.add(d);
                }
            }
        }
        return out;
    }

    /** The YAML files under {@code dir}, sorted; Helm templates (Go templates, not YAML) left out. */
    static List<Path> yamlFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .filter(p -> !p.toString().contains("/templates/")).sorted().toList();
        }
    }

    /** The CRD files of deploy/crds/, by the kind they define. */
    static Map<String, JsonNode> crdsByKind() throws IOException {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(CRDS)) {
            for (Path p : s.filter(f -> f.getFileName().toString().startsWith("switchboard.dev_")).sorted().toList()) {
                JsonNode crd = documents(p).get(0);
                out.put(crd.path("spec").path("names").path("kind").asText(), crd);
            }
        }
        return out;
    }

    /** The openAPIV3Schema of the one version of {@code crd}. */
    static JsonNode schema(JsonNode crd) {
        return crd.path("spec").path("versions").path(0).path("schema").path("openAPIV3Schema");
    }

    /** The documents of {@code file} of kind {@code kind}. */
    static List<JsonNode> ofKind(Path file, String kind) {
        return documents(file).stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
    }

    /**
     * Each access a list of RBAC rules grants, one string per group, resource, verb and resource name:
     * {@code group/resource:verb} or {@code group/resource:verb@name} (the core group is empty).
     */
    static TreeSet<String> grants(JsonNode rules) {
        TreeSet<String> out = new TreeSet<>();
        for (JsonNode r : rules) {
            for (JsonNode g : r.path("apiGroups")) {
                for (JsonNode res : r.path("resources")) {
                    for (JsonNode v : r.path("verbs")) {
                        String base = g.asText() + "/" + res.asText() + ":" + v.asText();
                        if (r.path("resourceNames").isEmpty()) {
                            out.add(base);
                        }
                        for (JsonNode n : r.path("resourceNames")) {
                            out.add(base + "@" + n.asText());
                        }
                    }
                }
            }
        }
        return out;
    }

    /** The strings of a YAML list. */
    static List<String> strings(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.asText()));
        return out;
    }
}
