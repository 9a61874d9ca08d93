package dev.switchboard.cli;

import static dev.switchboard.cli.DeployFiles.CHART;
import static dev.switchboard.cli.DeployFiles.CRDS;
import static dev.switchboard.cli.DeployFiles.GATEWAY_EXAMPLE;
import static dev.switchboard.cli.DeployFiles.MANIFESTS;
import static dev.switchboard.cli.DeployFiles.ROOT;
import static dev.switchboard.cli.DeployFiles.YAML;
import static dev.switchboard.cli.DeployFiles.documents;
import static dev.switchboard.cli.DeployFiles.grants;
import static dev.switchboard.cli.DeployFiles.ofKind;
import static dev.switchboard.cli.DeployFiles.strings;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.core.config.Fields;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.PolicyDocument;
import dev.switchboard.policy.auth.AuthConfigReader;
import dev.switchboard.policy.guardrails.GuardrailConfigReader;
import dev.switchboard.policy.limits.RateLimitPolicyReader;
import dev.switchboard.policy.usage.PriceTableReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The files that deploy Switchboard on Kubernetes (deploy/, examples/kubernetes/gateway/, the Dockerfile) against
 * the code they describe: the CRD schemas against the readers of each kind, the RBAC rules against the access
 * `run --kubernetes` needs, the Deployments' arguments against the commands' picocli options, the image's JVM flags
 * against ./switchboard's. None of it needs a cluster, Helm or Docker; what that leaves unchecked is in
 * docs/kubernetes.md.
 */
class DeployFilesTest {
    /** What rbac.yaml's Role must grant in the watched namespace, and nothing else. */
    static final Set<String> READS = Set.of("inference.networking.k8s.io/inferencepools",
            "inference.networking.x-k8s.io/inferenceobjectives", "inference.networking.x-k8s.io/inferencemodelrewrites",
            "llm-d.ai/inferenceobjectives", "llm-d.ai/inferencemodelrewrites", "aigateway.envoyproxy.io/aigatewayroutes",
            "aigateway.envoyproxy.io/aiservicebackends", "aigateway.envoyproxy.io/backendsecuritypolicies",
            "gateway.envoyproxy.io/backends", "gateway.networking.k8s.io/gateways", "/pods", "/secrets", "/configmaps");
    /** Patched by the Lease holder (fabric8's editStatus: GET, then PATCH of the status subresource). */
    static final Set<String> STATUS = Set.of("inference.networking.k8s.io/inferencepools/status",
            "aigateway.envoyproxy.io/aigatewayroutes/status");
    /** fabric8's LeaderElector creates the Lease once, then reads and patches it (seen against the mock server). */
    static final Set<String> LEASE = Set.of("coordination.k8s.io/leases:create",
            "coordination.k8s.io/leases:get@switchboard", "coordination.k8s.io/leases:patch@switchboard");
    static final Set<String> CLUSTER_SCOPED = Set.of("gateway.networking.k8s.io/gatewayclasses:get",
            "gateway.networking.k8s.io/gatewayclasses:list", "gateway.networking.k8s.io/gatewayclasses:watch");

    @Test
    void everyYamlFileParses() throws Exception {
        List<Path> files = new ArrayList<>(DeployFiles.yamlFiles(ROOT.resolve("deploy")));
        files.addAll(DeployFiles.yamlFiles(GATEWAY_EXAMPLE));
        assertThat(files).hasSizeGreaterThan(20);
        for (Path f : files) {
            List<JsonNode> docs = documents(f);
            assertThat(docs).as(f.toString()).isNotEmpty();
            if (!f.endsWith("values.yaml") && !f.endsWith("Chart.yaml")) {
                docs.forEach(d -> assertThat(d.has("apiVersion") && d.has("kind")).as(f + ": " + d).isTrue());
            }
        }
    }

    @Test
    void eachSwitchboardKindHasAStructuralNamespacedCrd() throws Exception {
        Map<String, JsonNode> crds = DeployFiles.crdsByKind();
        List<String> kinds = new ArrayList<>(List.of("Gateway", "Endpoints"));
        kinds.addAll(PolicyDocument.KINDS);
        assertThat(crds.keySet()).containsExactlyInAnyOrderElementsOf(kinds);
        for (JsonNode crd : crds.values()) {
            String name = crd.path("metadata").path("name").asText();
            JsonNode spec = crd.path("spec");
            assertThat(crd.path("apiVersion").asText()).isEqualTo("apiextensions.k8s.io/v1");
            assertThat(crd.path("kind").asText()).isEqualTo("CustomResourceDefinition");
            assertThat(name).isEqualTo(spec.path("names").path("plural").asText() + ".switchboard.dev");
            assertThat(spec.path("group").asText()).isEqualTo("switchboard.dev");
            assertThat(spec.path("scope").asText()).isEqualTo("Namespaced");
            assertThat(spec.path("versions")).as(name).hasSize(1);
            JsonNode v = spec.path("versions").get(0);
            assertThat(v.path("name").asText()).isEqualTo("v1alpha1");
            assertThat(v.path("served").asBoolean() && v.path("storage").asBoolean()).as(name).isTrue();
            assertThat(v.path("subresources").path("status").isObject()).as(name + " status subresource").isTrue();
            assertThat(CrdSchema.structuralErrors(DeployFiles.schema(crd))).as(name).isEmpty();
            for (JsonNode col : v.path("additionalPrinterColumns")) {
                assertThat(resolves(DeployFiles.schema(crd), col.path("jsonPath").asText()))
                        .as(name + " printer column " + col.path("name").asText()).isTrue();
            }
        }
        JsonNode kustomization = documents(CRDS.resolve("kustomization.yaml")).get(0);
        assertThat(strings(kustomization.path("resources"))).containsExactlyInAnyOrderElementsOf(
                crds.values().stream().map(c -> c.path("metadata").path("name").asText())
                        .map(n -> "switchboard.dev_" + n.substring(0, n.indexOf('.')) + ".yaml").toList());
    }

    @Test
    void samplesTheReadersAcceptFitTheSchemas() throws Exception {
        Map<String, JsonNode> crds = DeployFiles.crdsByKind();
        List<JsonNode> valid = documents(Path.of("src/test/resources/deploy-samples/valid.yaml"));
        assertThat(valid.stream().map(d -> d.path("kind").asText()).collect(Collectors.toSet()))
                .containsExactlyInAnyOrderElementsOf(crds.keySet());
        for (JsonNode doc : valid) {
            String what = doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText();
            assertThat(readerError(doc)).as(what + " by its reader").isNull();
            assertThat(CrdSchema.validate(DeployFiles.schema(crds.get(doc.path("kind").asText())), doc))
                    .as(what + " by its CRD").isEmpty();
        }
    }

    @Test
    void samplesTheReadersRefuseFailTheSchemas() throws Exception {
        Map<String, JsonNode> crds = DeployFiles.crdsByKind();
        List<JsonNode> invalid = documents(Path.of("src/test/resources/deploy-samples/invalid.yaml"));
        assertThat(invalid.stream().map(d -> d.path("kind").asText()).collect(Collectors.toSet()))
                .containsExactlyInAnyOrderElementsOf(crds.keySet());
        Pattern readerPath = Pattern.compile("(?:^|: )(spec(?:\\.[A-Za-z]+|\\[\\d+])*)");
        for (JsonNode doc : invalid) {
            String what = doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText();
            String reader = readerError(doc);
            assertThat(reader).as(what + " by its reader").isNotNull();
            List<String> schema = CrdSchema.validate(DeployFiles.schema(crds.get(doc.path("kind").asText())), doc);
            assertThat(schema).as(what + " by its CRD").isNotEmpty();
            // and at the same place: one's field path leads to the other's
            Matcher m = readerPath.matcher(reader);
            assertThat(m.find()).as(reader).isTrue();
            String at = m.group(1);
            assertThat(schema).as(what + ": the reader refuses " + at)
                    .anySatisfy(e -> assertThat(at.startsWith(path(e)) || path(e).startsWith(at)).isTrue());
        }
    }

    /** The field path of a schema error, {@code spec.a[0].b}. */
    private static String path(String schemaError) {
        return schemaError.substring(1, schemaError.indexOf(": "));
    }

    @Test
    void theRepositorysExamplesOfSwitchboardKindsFitTheSchemas() throws Exception {
        Map<String, JsonNode> crds = DeployFiles.crdsByKind();
        List<JsonNode> docs = new ArrayList<>();
        for (String f : List.of("examples/gateway.yaml", "examples/governance.yaml", "examples/providers.yaml",
                "examples/kubernetes/gateway/settings.yaml")) {
            docs.addAll(documents(ROOT.resolve(f)));
        }
        // the extproc example's configuration, inside its ConfigMap
        docs.addAll(documents(ofKind(ROOT.resolve("examples/kubernetes/extproc/configmap.yaml"), "ConfigMap").get(0)
                .path("data").path("config.yaml").asText()));
        int checked = 0;
        for (JsonNode doc : docs) {
            if (doc.path("apiVersion").asText().startsWith("switchboard.dev/") && crds.containsKey(doc.path("kind").asText())) {
                assertThat(CrdSchema.validate(DeployFiles.schema(crds.get(doc.path("kind").asText())), doc))
                        .as(doc.toString()).isEmpty();
                checked++;
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(8);
    }

    @Test
    void theRoleGrantsExactlyWhatRunKubernetesNeedsInItsNamespace() throws Exception {
        Path rbac = MANIFESTS.resolve("rbac.yaml");
        assertNoWildcards(rbac);
        assertThat(ofKind(rbac, "Role")).hasSize(1);
        assertThat(grants(ofKind(rbac, "Role").get(0).path("rules")))
                .containsExactlyInAnyOrderElementsOf(union(namespacedGrants(), LEASE));
        assertThat(ofKind(rbac, "ClusterRole")).hasSize(1);
        assertThat(grants(ofKind(rbac, "ClusterRole").get(0).path("rules"))).containsExactlyInAnyOrderElementsOf(CLUSTER_SCOPED);
        assertBindings(rbac);
    }

    @Test
    void theAllNamespacesVariantGrantsTheSameEverywhereAndTheLeaseAtHome() throws Exception {
        Path rbac = MANIFESTS.resolve("rbac-all-namespaces.yaml");
        assertNoWildcards(rbac);
        assertThat(grants(ofKind(rbac, "ClusterRole").get(0).path("rules")))
                .containsExactlyInAnyOrderElementsOf(union(namespacedGrants(), CLUSTER_SCOPED));
        assertThat(grants(ofKind(rbac, "Role").get(0).path("rules"))).containsExactlyInAnyOrderElementsOf(LEASE);
        assertBindings(rbac);
    }

    @Test
    void theChartsRulesAreTheManifestsRules() throws Exception {
        String helpers = Files.readString(CHART.resolve("templates/_helpers.tpl"));
        Matcher m = Pattern.compile("define \"switchboard.rules\" -}}\\n(.*?)\\{\\{- end", Pattern.DOTALL).matcher(helpers);
        assertThat(m.find()).isTrue();
        assertThat(m.group(1)).doesNotContain("{{").doesNotContain("*");
        assertThat(grants(YAML.readTree(m.group(1)))).containsExactlyInAnyOrderElementsOf(namespacedGrants());
        String rbac = Files.readString(CHART.resolve("templates/rbac.yaml"));
        assertThat(rbac).doesNotContain("'*'").doesNotContain("\"*\"").doesNotContain("[*]")
                .contains("resourceNames: [switchboard]").contains("resources: [gatewayclasses]");
    }

    @Test
    void theDeploymentRunsTheGatewayWithFlagsTheCliDefines() throws Exception {
        JsonNode deployment = ofKind(MANIFESTS.resolve("deployment.yaml"), "Deployment").get(0);
        assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(2);
        JsonNode pod = deployment.path("spec").path("template").path("spec");
        JsonNode c = pod.path("containers").get(0);
        List<String> args = strings(c.path("args"));
        assertThat(args).startsWith("run", "--kubernetes");
        RunCommand run = parseRunArgs(args);
        assertThat(run.host).isEqualTo("0.0.0.0");
        assertThat(run.adminHost).isEqualTo("0.0.0.0");
        assertThat(port(c, "http")).isEqualTo(run.port);
        assertThat(port(c, "admin")).isEqualTo(run.adminPort);
        assertThat(c.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/ready");
        assertThat(c.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/health");
        assertThat(c.path("readinessProbe").path("httpGet").path("port").asText()).isEqualTo("admin");
        assertThat(c.path("livenessProbe").path("httpGet").path("port").asText()).isEqualTo("admin");
        assertThat(env(c, "POD_NAME").path("valueFrom").path("fieldRef").path("fieldPath").asText()).isEqualTo("metadata.name");
        assertThat(env(c, "POD_NAMESPACE").path("valueFrom").path("fieldRef").path("fieldPath").asText())
                .isEqualTo("metadata.namespace");
        assertThat(args.get(args.indexOf("--namespace") + 1)).isEqualTo("$(POD_NAMESPACE)");
        JsonNode sc = c.path("securityContext");
        assertThat(sc.path("runAsNonRoot").asBoolean() && sc.path("readOnlyRootFilesystem").asBoolean()
                && !sc.path("allowPrivilegeEscalation").asBoolean(true)).isTrue();
        assertThat(sc.path("runAsUser").asInt()).isEqualTo(65532);
        assertThat(strings(sc.path("capabilities").path("drop"))).containsExactly("ALL");
        assertThat(c.path("resources").path("requests").has("cpu")).isTrue();
        assertThat(c.path("resources").path("limits").has("memory")).isTrue();
        String sa = ofKind(MANIFESTS.resolve("serviceaccount.yaml"), "ServiceAccount").get(0).path("metadata").path("name").asText();
        assertThat(pod.path("serviceAccountName").asText()).isEqualTo(sa);
        JsonNode service = ofKind(MANIFESTS.resolve("service.yaml"), "Service").get(0);
        JsonNode pdb = ofKind(MANIFESTS.resolve("poddisruptionbudget.yaml"), "PodDisruptionBudget").get(0);
        JsonNode labels = deployment.path("spec").path("template").path("metadata").path("labels");
        assertThat(service.path("spec").path("selector")).isEqualTo(labels);
        assertThat(pdb.path("spec").path("selector").path("matchLabels")).isEqualTo(labels);
        assertThat(strings(documents(MANIFESTS.resolve("kustomization.yaml")).get(0).path("resources")))
                .contains("serviceaccount.yaml", "rbac.yaml", "deployment.yaml", "service.yaml", "poddisruptionbudget.yaml");
    }

    @Test
    void theChartsDeploymentUsesFlagsTheCliDefines() throws Exception {
        String template = Files.readString(CHART.resolve("templates/deployment.yaml"));
        Matcher m = Pattern.compile("(?m)^\\s+- (--[a-z-]+)$").matcher(template);
        List<String> flags = new ArrayList<>();
        while (m.find()) {
            flags.add(m.group(1));
        }
        assertThat(flags).contains("--kubernetes", "--namespace", "--all-namespaces", "--share-state", "--port");
        CommandLine.Model.CommandSpec spec = new CommandLine(new RunCommand()).getCommandSpec();
        for (String f : flags) {
            assertThat(spec.findOption(f)).as(f).isNotNull();
        }
        JsonNode values = documents(CHART.resolve("values.yaml")).get(0);
        JsonNode manifest = ofKind(MANIFESTS.resolve("deployment.yaml"), "Deployment").get(0);
        assertThat(values.path("replicaCount").asInt()).isEqualTo(manifest.path("spec").path("replicas").asInt());
        assertThat(values.path("javaOptions").asText()).isEqualTo(env(container(manifest), "JDK_JAVA_OPTIONS").path("value").asText());
        assertThat(documents(CHART.resolve("Chart.yaml")).get(0).path("apiVersion").asText()).isEqualTo("v2");
    }

    @Test
    void everyValueTheChartsTemplatesReadIsInValuesYaml() throws Exception {
        JsonNode values = documents(CHART.resolve("values.yaml")).get(0);
        Pattern ref = Pattern.compile("\\.Values\\.([A-Za-z0-9_.]+)");
        int refs = 0;
        try (Stream<Path> s = Files.list(CHART.resolve("templates"))) {
            for (Path t : s.toList()) {
                Matcher m = ref.matcher(Files.readString(t));
                while (m.find()) {
                    JsonNode n = values;
                    for (String part : m.group(1).split("\\.")) {
                        n = n.path(part);
                    }
                    assertThat(n.isMissingNode()).as(t.getFileName() + ": .Values." + m.group(1)).isFalse();
                    refs++;
                }
            }
        }
        assertThat(refs).isGreaterThan(15);
    }

    @Test
    void theChartsCrdsAreDeploysCrds() throws Exception {
        try (Stream<Path> s = Files.list(CHART.resolve("crds"))) {
            List<Path> copies = s.sorted().toList();
            assertThat(copies).hasSize(DeployFiles.crdsByKind().size());
            for (Path copy : copies) {
                assertThat(Files.mismatch(copy, CRDS.resolve(copy.getFileName()))).as(copy.toString()).isEqualTo(-1L);
            }
        }
    }

    @Test
    void theImageRunsTheLaunchersJvmFlagsAsUser65532() throws Exception {
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        Matcher entry = Pattern.compile("(?m)^ENTRYPOINT (\\[.*?\\])\\s*$", Pattern.DOTALL)
                .matcher(dockerfile.replace("\\\n", " "));
        assertThat(entry.find()).isTrue();
        List<String> entrypoint = strings(YAML.readTree(entry.group(1)));
        assertThat(entrypoint.get(0)).isEqualTo("java");
        assertThat(entrypoint.subList(entrypoint.size() - 2, entrypoint.size()))
                .containsExactly("-jar", "/opt/switchboard/switchboard.jar");
        assertThat(dockerfile).contains("cli/target/switchboard.jar").containsPattern("(?m)^USER 65532(:65532)?$")
                .containsPattern("(?m)^FROM .*temurin-25.* AS build$").containsPattern("(?m)^FROM eclipse-temurin:25-jre$");
        Matcher launcher = Pattern.compile("JVM_FLAGS\\+?=\\(([^)]*)\\)").matcher(Files.readString(ROOT.resolve("switchboard")));
        Set<String> launcherFlags = new TreeSet<>();
        while (launcher.find()) {
            launcherFlags.addAll(Arrays.asList(launcher.group(1).trim().split("\\s+")));
        }
        JsonNode c = container(ofKind(MANIFESTS.resolve("deployment.yaml"), "Deployment").get(0));
        List<String> runOnly = Arrays.asList(env(c, "JDK_JAVA_OPTIONS").path("value").asText().split("\\s+"));
        List<String> imageFlags = entrypoint.subList(1, entrypoint.size() - 2);
        assertThat(launcherFlags).contains("--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC");
        assertThat(union(new TreeSet<>(imageFlags), new TreeSet<>(runOnly))).containsExactlyInAnyOrderElementsOf(launcherFlags);
        assertThat(imageFlags).doesNotContainAnyElementsOf(runOnly);
        assertThat(Files.readString(ROOT.resolve(".dockerignore"))).contains("**/target", ".git");
    }

    @Test
    void kustomizationsNameFilesThatExist() throws Exception {
        for (Path dir : List.of(CRDS, MANIFESTS, GATEWAY_EXAMPLE)) {
            for (String r : strings(documents(dir.resolve("kustomization.yaml")).get(0).path("resources"))) {
                assertThat(Files.exists(dir.resolve(r))).as(dir + ": " + r).isTrue();
            }
        }
    }

    @Test
    void theGatewayExamplesDocumentsLoadAndReferToEachOther() throws Exception {
        List<JsonNode> docs = new ArrayList<>();
        for (Path f : DeployFiles.yamlFiles(GATEWAY_EXAMPLE)) {
            if (!f.endsWith("kustomization.yaml")) {
                docs.addAll(documents(f));
            }
        }
        // TODO(issue 13): GatewayClass and the Gateway API's Gateway once ConfigLoader reads them; Deployments and
        // Services are not configuration.
        Set<String> loaded = Set.of("InferencePool", "InferenceObjective", "AIGatewayRoute");
        StringBuilder yaml = new StringBuilder();
        for (JsonNode d : docs) {
            boolean ours = d.path("apiVersion").asText().startsWith("switchboard.dev/");
            if (loaded.contains(d.path("kind").asText()) || ours) {
                yaml.append("---\n").append(YAML.writeValueAsString(d));
            }
        }
        GatewayConfig config = ConfigLoader.parse(yaml.toString(), "examples/kubernetes/gateway");
        assertThat(config.pools()).extracting(p -> p.name()).containsExactly("llama", "mistral");
        assertThat(config.rules()).hasSize(2);
        assertThat(config.pools()).allSatisfy(p -> assertThat(p.objectives()).hasSize(1));
        JsonNode gatewayClass = byKind(docs, "GatewayClass");
        JsonNode gateway = docs.stream().filter(d -> d.path("apiVersion").asText().startsWith("gateway.networking.k8s.io/")
                && d.path("kind").asText().equals("Gateway")).findFirst().orElseThrow();
        assertThat(gatewayClass.path("spec").path("controllerName").asText()).isEqualTo("switchboard.dev/gateway-controller");
        assertThat(gateway.path("spec").path("gatewayClassName").asText()).isEqualTo(gatewayClass.path("metadata").path("name").asText());
        assertThat(gateway.path("spec").path("listeners")).hasSize(1);
        JsonNode route = byKind(docs, "AIGatewayRoute");
        assertThat(route.path("spec").path("parentRefs").get(0).path("name").asText())
                .isEqualTo(gateway.path("metadata").path("name").asText());
        for (JsonNode pool : docs.stream().filter(d -> d.path("kind").asText().equals("InferencePool")).toList()) {
            JsonNode server = docs.stream().filter(d -> d.path("kind").asText().equals("Deployment")
                    && d.path("spec").path("template").path("metadata").path("labels")
                            .equals(pool.path("spec").path("selector").path("matchLabels"))).findFirst().orElseThrow();
            JsonNode c = container(server);
            List<String> args = strings(c.path("args"));
            assertThat(args.get(0)).isEqualTo("sim");
            SimCommand sim = new SimCommand();
            new CommandLine(sim).parseArgs(args.subList(1, args.size()).toArray(String[]::new));
            assertThat(pool.path("spec").path("targetPorts").get(0).path("number").asInt()).isEqualTo(port(c, "http"));
            assertThat(route.toString()).contains("\"value\":\"" + args.get(args.indexOf("--model") + 1) + "\"");
        }
    }

    /** Parses a Deployment's {@code run} arguments with RunCommand's options. */
    private static RunCommand parseRunArgs(List<String> args) {
        RunCommand run = new RunCommand();
        CommandLine.Model.CommandSpec spec = new CommandLine(run).getCommandSpec();
        List<String> known = new ArrayList<>();
        for (int i = 1; i < args.size(); i++) {
            String a = args.get(i);
            assertThat(!a.startsWith("--") || spec.findOption(a) != null).as("a flag RunCommand does not define: " + a)
                    .isTrue();
            known.add(a);
        }
        new CommandLine(run).parseArgs(known.toArray(String[]::new));
        return run;
    }

    /** The grants of rbac.yaml's Role apart from the Lease: reads, status writes, Events. */
    private static Set<String> namespacedGrants() throws Exception {
        Set<String> out = new TreeSet<>();
        Set<String> reads = new TreeSet<>(READS);
        for (JsonNode crd : DeployFiles.crdsByKind().values()) {
            reads.add("switchboard.dev/" + crd.path("spec").path("names").path("plural").asText());
        }
        for (String r : reads) {
            Stream.of("get", "list", "watch").forEach(v -> out.add(r + ":" + v));
        }
        for (String s : STATUS) {
            out.add(s + ":patch");
        }
        return out;
    }

    private static void assertBindings(Path rbac) {
        String sa = ofKind(MANIFESTS.resolve("serviceaccount.yaml"), "ServiceAccount").get(0).path("metadata").path("name").asText();
        for (String kind : List.of("RoleBinding", "ClusterRoleBinding")) {
            for (JsonNode b : ofKind(rbac, kind)) {
                String role = b.path("roleRef").path("name").asText();
                assertThat(ofKind(rbac, b.path("roleRef").path("kind").asText()))
                        .extracting(r -> r.path("metadata").path("name").asText()).as(kind + " " + role).contains(role);
                assertThat(b.path("subjects")).hasSize(1);
                assertThat(b.path("subjects").get(0).path("kind").asText()).isEqualTo("ServiceAccount");
                assertThat(b.path("subjects").get(0).path("name").asText()).isEqualTo(sa);
            }
        }
    }

    private static void assertNoWildcards(Path rbac) {
        for (JsonNode doc : documents(rbac)) {
            for (JsonNode rule : doc.path("rules")) {
                for (String field : List.of("apiGroups", "resources", "verbs", "resourceNames")) {
                    assertThat(strings(rule.path(field))).as(rbac + ": " + rule).doesNotContain("*");
                }
                assertThat(rule.has("nonResourceURLs")).isFalse();
            }
        }
    }

    /** Null when the reader of the document's kind accepts it, else its error. */
    private static String readerError(JsonNode doc) throws Exception {
        String kind = doc.path("kind").asText();
        String name = doc.path("metadata").path("name").asText();
        Fields spec = new Fields(doc.path("spec"), kind + "/" + name, "spec");
        try {
            switch (kind) {
                case "Gateway", "Endpoints" -> ConfigLoader.parse(YAML.writeValueAsString(doc), kind + "/" + name);
                case "ClientAuth" -> AuthConfigReader.read(name, spec, ROOT);
                case "RateLimitPolicy" -> RateLimitPolicyReader.read(spec);
                case "PriceTable" -> PriceTableReader.read(spec);
                case "Guardrail" -> GuardrailConfigReader.read(name, spec);
                default -> throw new AssertionError("no reader for " + kind);
            }
            return null;
        } catch (ConfigException e) {
            return e.getMessage();
        }
    }

    /** Whether a printer column's JSONPath ({@code .spec.a.b}, {@code .spec.list[*].c}) names a field of the schema. */
    private static boolean resolves(JsonNode schema, String jsonPath) {
        if (jsonPath.startsWith(".metadata.")) {
            return true; // ObjectMeta: the API server's, not in the schema
        }
        JsonNode s = schema;
        for (String part : jsonPath.substring(1).split("\\.")) {
            boolean each = part.endsWith("[*]");
            s = s.path("properties").path(each ? part.substring(0, part.length() - 3) : part);
            if (s.isMissingNode()) {
                return false;
            }
            if (each) {
                s = s.path("items");
            }
        }
        return true;
    }

    private static JsonNode byKind(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).findFirst().orElseThrow();
    }

    private static JsonNode container(JsonNode deployment) {
        return deployment.path("spec").path("template").path("spec").path("containers").get(0);
    }

    private static int port(JsonNode container, String name) {
        for (JsonNode p : container.path("ports")) {
            if (p.path("name").asText().equals(name)) {
                return p.path("containerPort").asInt();
            }
        }
        throw new AssertionError("no port named " + name);
    }

    private static JsonNode env(JsonNode container, String name) {
        for (JsonNode e : container.path("env")) {
            if (e.path("name").asText().equals(name)) {
                return e;
            }
        }
        throw new AssertionError("no env " + name);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.addAll(b);
        return out;
    }
}
