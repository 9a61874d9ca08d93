package dev.switchboard.core.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a gateway configuration: one YAML file of Kubernetes-shaped documents, validated whole.
 *
 * <p>Kinds: {@code Gateway} ({@code switchboard.dev/v1alpha1}), {@code AIGatewayRoute} and {@code AIServiceBackend}
 * ({@code aigateway.envoyproxy.io/v1alpha1} or {@code v1beta1}), {@code Backend} ({@code gateway.envoyproxy.io/v1alpha1}),
 * {@code InferencePool} ({@code inference.networking.k8s.io/v1}), {@code Endpoints} ({@code switchboard.dev/v1alpha1}),
 * {@code InferenceObjective}, {@code InferenceModelRewrite} and {@code EndpointPickerConfig} ({@code llm-d.ai/} or
 * {@code inference.networking.x-k8s.io/}; the latter is kept whole for the picker module to read), and {@code ConfigMap}
 * ({@code v1}) in the format of the Inference Extension's body-based router: a base model and its LoRA adapters.
 * Field names are Envoy AI Gateway's, so its users' resources load unchanged. Loading is in phases: parse every
 * document, read each strictly (unknown fields are errors), then resolve references; the first problem aborts the
 * load with a message naming file, document, field path and what was expected.
 */
public final class ConfigLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** The reference EPP's config kind; its fields are top-level, not under {@code spec}. */
    static final String PICKER_KIND = "EndpointPickerConfig";
    private static final String[] PICKER_FIELDS = {"apiVersion", "kind", "metadata", "featureGates", "plugins",
            "schedulingProfiles", "flowControl", "saturationDetector"};
    private static final String[] RESOURCE_FIELDS = {"apiVersion", "kind", "metadata", "spec", "status"};
    /** A Kubernetes ConfigMap: only the body-based router's LoRA adapter lists are read from one. */
    static final String CONFIG_MAP_KIND = "ConfigMap";
    private static final String[] CONFIG_MAP_FIELDS = {"apiVersion", "kind", "metadata", "data", "binaryData",
        "immutable"};

    private ConfigLoader() {}

    public static GatewayConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
        return parse(text, file.getFileName().toString(), file.toAbsolutePath().getParent());
    }

    /** Parses {@code yaml}; {@code source} names it in errors; relative paths are resolved from the working directory. */
    public static GatewayConfig parse(String yaml, String source) throws ConfigException {
        return parse(yaml, source, Path.of(""));
    }

    /**
     * The entries of an endpoints file: {@code endpoints: [{name?, address, port?, labels?}]}, as an
     * {@code Endpoints} document's spec (the shape of llm-d's file discovery).
     */
    public static List<PoolConfig.Member> readEndpointsFile(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
        List<JsonNode> docs = documents(text, file.toString());
        if (docs.size() != 1 || docs.get(0) == null || !docs.get(0).isObject()) {
            throw new ConfigException(file + ": expected one YAML document with an 'endpoints' list");
        }
        return members(new Fields(docs.get(0), file.toString(), ""));
    }

    /** Parses {@code yaml}; {@code source} names it in errors; relative paths are resolved from {@code baseDir}. */
    public static GatewayConfig parse(String yaml, String source, Path baseDir) throws ConfigException {
        return parse(yaml, source, LoadOptions.file(baseDir));
    }

    /** Parses {@code yaml}, a file's documents, as {@code options} say. */
    public static GatewayConfig parse(String yaml, String source, LoadOptions options) throws ConfigException {
        List<JsonNode> docs = documents(yaml, source);
        List<ConfigDocument> set = new ArrayList<>(docs.size());
        for (int i = 0; i < docs.size(); i++) {
            set.add(new ConfigDocument(docs.get(i), source + ": document " + (i + 1)));
        }
        return build(set, source, options);
    }

    /**
     * Reads a set of resources (a file's documents, or the objects of a cluster) into one configuration, all or
     * nothing: the first problem aborts with a message naming the document, the field path and what was expected,
     * and {@link ConfigException#document()} the index of the document at fault when there is one.
     */
    public static GatewayConfig build(List<ConfigDocument> set, String source, LoadOptions options)
            throws ConfigException {
        Path baseDir = options.baseDir();
        List<String> notes = new ArrayList<>();
        ListenerSettings listener = ListenerSettings.defaults();
        Map<String, BackendDoc> services = new LinkedHashMap<>();
        Map<String, List<Upstream>> endpoints = new LinkedHashMap<>();
        Map<String, SecurityPolicy> policies = new LinkedHashMap<>();
        Map<String, Fields> policyDocs = new LinkedHashMap<>();
        List<RouteDoc> routes = new ArrayList<>();
        Map<String, Fields> poolDocs = new LinkedHashMap<>();
        List<PoolConfig.Member> members = new ArrayList<>();
        List<Path> endpointFiles = new ArrayList<>();
        Map<String, Fields> pickerDocs = new LinkedHashMap<>();
        List<ModelRewriteReader.Doc> rewriteDocs = new ArrayList<>();
        List<ObjectiveDoc> objectives = new ArrayList<>();
        List<LoraAdapters> loraAdapters = new ArrayList<>();
        List<PolicyDocument> governance = new ArrayList<>();
        Map<String, GatewayApi.GatewayClass> gatewayClasses = new LinkedHashMap<>();
        List<GatewayApi.Gateway> gatewayApis = new ArrayList<>();
        java.util.Set<String> configMapPickers = new java.util.HashSet<>();
        boolean sawGateway = false;
        for (int i = 0; i < set.size(); i++) {
            JsonNode doc = set.get(i).json();
            if (doc == null || doc.isNull() || doc.isEmpty()) {
                continue;
            }
            String origin = set.get(i).origin();
            Fields top = new Fields(doc, origin, "", i);
            String kind = top.string("kind");
            String name = top.object("metadata").string("name");
            String skipped = ForeignKinds.skipped(kind, top.string("apiVersion"), name);
            if (skipped != null) {
                notes.add(skipped);
                continue;
            }
            top.only(kind.equals(PICKER_KIND) ? PICKER_FIELDS : kind.equals(CONFIG_MAP_KIND) ? CONFIG_MAP_FIELDS
                    : RESOURCE_FIELDS);
            String namespace = top.object("metadata").optionalString("namespace", null);
            Fields f = new Fields(doc, origin + " (" + kind + "/" + name + ")", "", i);
            String apiVersion = f.string("apiVersion");
            Fields spec = PICKER_KIND.equals(kind) || CONFIG_MAP_KIND.equals(kind) ? null : f.optionalObject("spec");
            switch (kind) {
                case "GatewayClass" -> {
                    requireGroup(f, apiVersion, GatewayApi.GROUP + "/");
                    putUnique(gatewayClasses, name, GatewayApi.gatewayClass(name, spec, notes::add), f);
                }
                case "Gateway" -> {
                    if (apiVersion.startsWith(GatewayApi.GROUP + "/")) {
                        gatewayApis.add(GatewayApi.gateway(name, namespace, spec, notes::add));
                        continue;
                    }
                    requireGroup(f, apiVersion, "switchboard.dev/", GatewayApi.GROUP + "/");
                    if (sawGateway) {
                        throw f.error("a second Gateway document; one file configures one gateway");
                    }
                    sawGateway = true;
                    listener = listener(spec);
                }
                case "AIGatewayRoute" -> {
                    requireGroup(f, apiVersion, "aigateway.envoyproxy.io/");
                    routes.add(new RouteDoc(name, namespace, f, spec));
                }
                case "AIServiceBackend" -> {
                    requireGroup(f, apiVersion, "aigateway.envoyproxy.io/");
                    putUnique(services, name, service(spec), f);
                }
                case "BackendSecurityPolicy" -> {
                    requireGroup(f, apiVersion, "aigateway.envoyproxy.io/");
                    putUnique(policies, name, SecurityPolicyReader.read(name, spec, baseDir, options.secrets(),
                            namespace), f);
                    policyDocs.put(name, f);
                }
                case "Backend" -> {
                    requireGroup(f, apiVersion, "gateway.envoyproxy.io/");
                    putUnique(endpoints, name, upstreams(spec), f);
                }
                case "InferencePool" -> {
                    requireGroup(f, apiVersion, "inference.networking.k8s.io/");
                    putUnique(poolDocs, name, spec, f);
                }
                case "Endpoints" -> {
                    requireGroup(f, apiVersion, "switchboard.dev/");
                    if (spec.has("file")) {
                        spec.only("file");
                        Path file = baseDir.resolve(spec.string("file"));
                        try {
                            readEndpointsFile(file); // validated now; read again, and watched, while running
                        } catch (ConfigException e) {
                            throw spec.error("file", e.getMessage());
                        }
                        endpointFiles.add(file);
                    } else {
                        members.addAll(members(spec));
                    }
                }
                case "InferenceModelRewrite" -> {
                    requireGroup(f, apiVersion, "llm-d.ai/", "inference.networking.x-k8s.io/");
                    rewriteDocs.add(ModelRewriteReader.read(name, spec));
                }
                case "InferenceObjective" -> {
                    requireGroup(f, apiVersion, "inference.networking.x-k8s.io/", "llm-d.ai/");
                    if (objectives.stream().anyMatch(o -> o.objective().name().equals(name))) {
                        throw f.error("metadata.name", "a second document of this kind is named '" + name + "'");
                    }
                    objectives.add(objective(name, f, spec));
                }
                case PICKER_KIND -> {
                    requireGroup(f, apiVersion, "llm-d.ai/", "inference.networking.x-k8s.io/", "switchboard.dev/");
                    putUnique(pickerDocs, name, f, f);
                }
                case CONFIG_MAP_KIND -> {
                    if (!apiVersion.equals("v1")) {
                        throw f.error("apiVersion", "expected v1 for a ConfigMap, got '" + apiVersion + "'");
                    }
                    Fields data = f.optionalObject("data");
                    if (data.has("baseModel") || data.has("adapters")) {
                        loraAdapters.add(loraAdapters(data));
                        continue;
                    }
                    Map<String, Fields> found = pickerConfigs(name, data, origin, i);
                    if (found.isEmpty()) {
                        notes.add("skipped ConfigMap '" + name + "': neither a body-based router's adapter list"
                                + " (baseModel, adapters) nor an " + PICKER_KIND);
                    }
                    for (Map.Entry<String, Fields> e : found.entrySet()) {
                        putUnique(pickerDocs, e.getKey(), e.getValue(), f);
                        configMapPickers.add(e.getKey());
                    }
                }
                case "ClientAuth", "RateLimitPolicy", "PriceTable", "Guardrail" -> {
                    requireGroup(f, apiVersion, "switchboard.dev/");
                    if (governance.stream().anyMatch(p -> p.kind().equals(kind) && p.name().equals(name))) {
                        throw f.error("metadata.name", "a second document of this kind is named '" + name + "'");
                    }
                    governance.add(new PolicyDocument(kind, name, f.object("spec"), baseDir));
                }
                default -> throw f.error("kind", "unsupported kind '" + kind + "'; expected Gateway, GatewayClass,"
                        + " AIGatewayRoute,"
                        + " AIServiceBackend, BackendSecurityPolicy, Backend, InferencePool, Endpoints, InferenceObjective,"
                        + " InferenceModelRewrite, " + PICKER_KIND + ", " + CONFIG_MAP_KIND + ", ClientAuth, RateLimitPolicy,"
                        + " PriceTable or Guardrail");
            }
        }
        Map<String, Backend> backends = resolveBackends(services, endpoints);
        attachPolicies(backends, policies, policyDocs);
        Map<String, PoolConfig> pools = new LinkedHashMap<>();
        for (ObjectiveDoc o : objectives) {
            if (!poolDocs.containsKey(o.objective().pool())) {
                throw o.at().error("spec.poolRef.name", "no InferencePool named '" + o.objective().pool() + "' in this file"
                        + (poolDocs.isEmpty() ? "" : "; InferencePools: " + String.join(", ", poolDocs.keySet())));
            }
        }
        Map<String, ModelRewrites> rewrites = ModelRewriteReader.byPool(rewriteDocs, poolDocs.keySet());
        for (Map.Entry<String, Fields> p : poolDocs.entrySet()) {
            List<InferenceObjective> own = objectives.stream().map(ObjectiveDoc::objective)
                    .filter(o -> o.pool().equals(p.getKey())).toList();
            pools.put(p.getKey(), pool(p.getKey(), p.getValue(), members, endpointFiles,
                    rewrites.getOrDefault(p.getKey(), ModelRewrites.NONE), own, pickerDocs));
        }
        for (Map.Entry<String, Fields> d : pickerDocs.entrySet()) { // most likely a typo in the pool's reference
            if (pools.values().stream().noneMatch(p -> p.picker() != null && p.picker().document() == d.getValue())) {
                if (configMapPickers.contains(d.getKey())) { // a ConfigMap may hold configurations for other EPPs
                    notes.add(PICKER_KIND + " '" + d.getKey() + "' (a ConfigMap's) is not used: no InferencePool's"
                            + " endpointPickerRef names it");
                    continue;
                }
                throw d.getValue().error("metadata.name", "no InferencePool uses this EndpointPickerConfig; refer to it"
                        + " from a pool with endpointPickerRef: {name: " + d.getKey() + "}");
            }
        }
        GatewayApi.Gateway served = GatewayApi.served(gatewayClasses, gatewayApis, options, notes::add);
        if (served != null && sawGateway) {
            notes.add("Gateway '" + served.name() + "' (" + GatewayApi.GROUP + "): the switchboard.dev Gateway's"
                    + " listen settings are used, not its listener's port " + served.port());
        } else if (served != null) {
            listener = listener.withListen("0.0.0.0", served.port()); // a Gateway's listener takes every address
        }
        List<RouteRule> rules = new ArrayList<>();
        boolean clientAuth = governance.stream().anyMatch(d -> d.kind().equals("ClientAuth"));
        boolean unchecked = false;
        for (RouteDoc r : routes) {
            List<GatewayApi.ParentRef> parents = GatewayApi.parentRefs(r.spec());
            String detached = served != null
                    ? parents.isEmpty() ? (options.cluster() ? "it names no parentRefs" : null)
                    : GatewayApi.attached(parents, r.namespace(), served) ? null : "its parentRefs name other Gateways"
                    : options.cluster() && !parents.isEmpty() ? "its parentRefs name Gateways of other controllers" : null;
            if (detached != null) {
                notes.add("AIGatewayRoute '" + r.name() + "' is not served: " + detached
                        + (served == null ? "" : ", not Gateway '" + served.name() + "'"));
                continue;
            }
            unchecked |= served == null && !parents.isEmpty();
            unread(r, notes);
            rules.addAll(rules(r, backends, pools, clientAuth));
        }
        if (unchecked) {
            notes.add("parentRefs are not checked: there is no Gateway API Gateway in this configuration, so every"
                    + " AIGatewayRoute is served");
        }
        return new GatewayConfig(listener, rules, List.copyOf(backends.values()), List.copyOf(pools.values()), source,
                loraAdapters, governance, notes, served == null ? null : served.name());
    }

    /** Envoy AI Gateway's route fields that configure Envoy itself: accepted so its routes load, and said so. */
    private static void unread(RouteDoc r, List<String> notes) {
        if (r.spec().has("llmRequestCosts")) {
            notes.add("AIGatewayRoute '" + r.name() + "': llmRequestCosts is not read (it feeds Envoy's rate-limit"
                    + " service); Switchboard counts tokens with a RateLimitPolicy (tokenType) and prices with a"
                    + " PriceTable");
        }
        if (r.spec().has("hostnames")) {
            notes.add("AIGatewayRoute '" + r.name() + "': hostnames are not matched; the route serves every host");
        }
        if (r.spec().has("filterConfig")) {
            notes.add("AIGatewayRoute '" + r.name() + "': filterConfig configures Envoy AI Gateway's external"
                    + " processor; Switchboard does not read it");
        }
    }

    /**
     * The {@value #PICKER_KIND}s a ConfigMap holds (the reference EPP mounts its configuration from one): each
     * value that is such a document, named after the ConfigMap when it holds one, else {@code <configmap>/<key>}.
     */
    private static Map<String, Fields> pickerConfigs(String configMap, Fields data, String origin, int document)
            throws ConfigException {
        Map<String, Fields> found = new LinkedHashMap<>();
        for (java.util.Iterator<String> it = data.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            JsonNode parsed;
            try {
                parsed = YAML.readTree(data.optionalString(key, ""));
            } catch (JsonProcessingException e) {
                continue; // not YAML: some other program's data
            }
            if (parsed != null && parsed.isObject() && PICKER_KIND.equals(parsed.path("kind").asText())) {
                Fields doc = new Fields(parsed, origin + " (ConfigMap/" + configMap + " data." + key + ")", "",
                        document).only(PICKER_FIELDS);
                found.put(key, doc);
            }
        }
        if (found.size() == 1) {
            return Map.of(configMap, found.values().iterator().next());
        }
        Map<String, Fields> named = new LinkedHashMap<>();
        found.forEach((k, v) -> named.put(configMap + "/" + k, v));
        return named;
    }

    /**
     * A body-based router ConfigMap's data: {@code baseModel} and {@code adapters}, a YAML list of names in a string
     * (a ConfigMap's values are strings), as the Inference Extension's body-based router reads it.
     */
    private static LoraAdapters loraAdapters(Fields data) throws ConfigException {
        data.only("baseModel", "adapters");
        String base = data.string("baseModel").strip();
        if (base.isEmpty()) {
            throw data.error("baseModel", "expected the base model's name, got an empty string");
        }
        String list = data.optionalString("adapters", "");
        List<String> adapters = new ArrayList<>();
        if (!list.isBlank()) {
            JsonNode parsed;
            try {
                parsed = YAML.readTree(list);
            } catch (JsonProcessingException e) {
                throw data.error("adapters", "expected a YAML list of adapter names: " + e.getOriginalMessage());
            }
            if (parsed == null || !parsed.isArray()) {
                throw data.error("adapters", "expected a YAML list of adapter names (e.g. \"- food-review\"), got '"
                        + list.strip() + "'");
            }
            for (JsonNode a : parsed) {
                if (!a.isTextual()) {
                    throw data.error("adapters", "expected adapter names, got " + a);
                }
                if (!a.asText().isBlank()) {
                    adapters.add(a.asText().strip());
                }
            }
        }
        return new LoraAdapters(base, adapters);
    }

    private static List<JsonNode> documents(String yaml, String source) throws ConfigException {
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            return it.readAll();
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new ConfigException(source + (loc != null ? ":" + loc.getLineNr() + ":" + loc.getColumnNr() : "")
                    + ": not valid YAML: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ConfigException(source + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static void requireGroup(Fields f, String apiVersion, String... groups) throws ConfigException {
        for (String group : groups) {
            if (apiVersion.startsWith(group)) {
                return;
            }
        }
        throw f.error("apiVersion", "expected " + String.join("<version> or ", groups) + "<version>, got '"
                + apiVersion + "'");
    }

    private static <T> void putUnique(Map<String, T> map, String name, T value, Fields f) throws ConfigException {
        if (map.putIfAbsent(name, value) != null) {
            throw f.error("metadata.name", "a second document of this kind is named '" + name + "'");
        }
    }

    private static ListenerSettings listener(Fields spec) throws ConfigException {
        spec.only("listen", "admin", "maxRequestBodyBytes", "tls", "drainTimeout", "accessLog", "clientIdleTimeout",
                "requestReceivedTimeout", "maxBufferedRequestBytes", "maxBufferedRequestBytesPerConnection", "upstreamIdleTimeout");
        ListenerSettings d = ListenerSettings.defaults();
        Fields listen = spec.optionalObject("listen").only("host", "port");
        Fields admin = spec.optionalObject("admin").only("host", "port");
        Fields tls = spec.optionalObject("tls").only("certFile", "keyFile");
        Path cert = tls.has("certFile") ? Path.of(tls.string("certFile")) : null;
        Path key = tls.has("keyFile") ? Path.of(tls.string("keyFile")) : null;
        if ((cert == null) != (key == null)) {
            throw tls.error("certFile and keyFile go together");
        }
        Duration upstreamIdle = spec.duration("upstreamIdleTimeout", d.upstreamIdleTimeout());
        if (upstreamIdle.isZero()) {
            throw spec.error("upstreamIdleTimeout", "expected a duration above 0 (idle connections are reused until it)");
        }
        return new ListenerSettings(listen.optionalString("host", d.host()), listen.integer("port", d.port(), 0, 65535),
                admin.optionalString("host", d.adminHost()), admin.integer("port", d.adminPort(), 0, 65535),
                spec.integer("maxRequestBodyBytes", d.maxBodyBytes(), 1024, Integer.MAX_VALUE), cert, key,
                spec.duration("drainTimeout", d.drainTimeout()), spec.bool("accessLog", d.accessLog()),
                clientLimits(spec), upstreamIdle);
    }

    private static ListenerSettings.ClientLimits clientLimits(Fields spec) throws ConfigException {
        ListenerSettings.ClientLimits d = ListenerSettings.ClientLimits.DEFAULTS;
        long total = spec.quantity("maxBufferedRequestBytes", d.maxBufferedBytes());
        long perConnection = spec.quantity("maxBufferedRequestBytesPerConnection",
                Math.min(total, d.maxBufferedBytesPerConnection()));
        if (perConnection > total) {
            throw spec.error("maxBufferedRequestBytesPerConnection", "must not exceed maxBufferedRequestBytes ("
                    + total + ")");
        }
        return new ListenerSettings.ClientLimits(
                positive(spec, "clientIdleTimeout", spec.duration("clientIdleTimeout", d.idleTimeout())),
                positive(spec, "requestReceivedTimeout", spec.duration("requestReceivedTimeout", d.requestReceivedTimeout())),
                total, perConnection);
    }

    private static Duration positive(Fields spec, String field, Duration d) throws ConfigException {
        if (d.isZero() || d.isNegative()) {
            throw spec.error(field, "must be longer than 0");
        }
        return d;
    }

    private record BackendDoc(Backend.Schema schema, String backendName, Fields at, HeaderMutation headerMutation) {}

    private static BackendDoc service(Fields spec) throws ConfigException {
        spec.only("schema", "backendRef", "headerMutation", "bodyMutation");
        if (spec.has("bodyMutation")) {
            throw spec.error("bodyMutation", "is not supported yet; the gateway translates bodies between schemas itself"
                    + " (set schema.name), and a route's modelNameOverride rewrites the model");
        }
        Fields ref = spec.object("backendRef").only("name", "kind", "group", "namespace");
        String kind = ref.optionalString("kind", "Backend");
        if (!kind.equals("Backend")) {
            throw ref.error("kind", "expected Backend (gateway.envoyproxy.io), got '" + kind + "'");
        }
        return new BackendDoc(schema(spec.object("schema")), ref.string("name"), ref,
                headerMutation(spec.optionalObject("headerMutation")));
    }

    /** {@code schema: {name, prefix?, version?}}, with Envoy AI Gateway's names. */
    private static Backend.Schema schema(Fields f) throws ConfigException {
        f.only("name", "version", "prefix");
        String name = f.string("name");
        ApiSchema schema = ApiSchema.named(name);
        if (schema == null) {
            throw f.error("name", "unknown schema '" + name + "'; expected one of " + ApiSchema.names()
                    + (name.equals("Cohere") ? " (Cohere is not supported yet)" : ""));
        }
        String prefix = f.optionalString("prefix", null);
        if (prefix != null && !prefix.isEmpty() && !prefix.startsWith("/")) {
            throw f.error("prefix", "expected a path starting with '/', got '" + prefix + "'");
        }
        if (prefix != null && schema.defaultPrefix() == null) {
            throw f.error("prefix", "schema " + name + " has no path prefix; its paths are fixed by the provider");
        }
        String version = f.optionalString("version", null);
        if (version != null && schema == ApiSchema.OPENAI && prefix == null) {
            prefix = "/" + version; // Envoy AI Gateway's older spelling: version: v1 meant the /v1 prefix
            version = null;
        }
        if (schema == ApiSchema.AZURE_OPENAI && version == null) {
            throw f.error("version", "required for AzureOpenAI: the api-version, e.g. 2025-04-01-preview");
        }
        return new Backend.Schema(schema, prefix, version);
    }

    private static List<Upstream> upstreams(Fields spec) throws ConfigException {
        spec.only("endpoints", "tls", "type", "appProtocols");
        Upstream.Tls tls = spec.has("tls") ? upstreamTls(spec.optionalObject("tls")) : null;
        List<Upstream> out = spec.list("endpoints", e -> {
            e.only("ip", "fqdn");
            if (e.has("ip") == e.has("fqdn")) {
                throw e.error("expected exactly one of ip or fqdn");
            }
            Fields addr = e.has("ip") ? e.object("ip").only("address", "port") : e.object("fqdn").only("hostname", "port");
            String host = addr.string(e.has("ip") ? "address" : "hostname");
            if (!addr.has("port")) {
                throw addr.error("port", "required");
            }
            return new Upstream(host, addr.integer("port", 0, 1, 65535), tls);
        });
        if (out.isEmpty()) {
            throw spec.error("endpoints", "required: at least one endpoint");
        }
        return out;
    }

    private static Upstream.Tls upstreamTls(Fields tls) throws ConfigException {
        tls.only("insecureSkipVerify", "sni", "caFile", "caCertificateRefs", "wellKnownCACertificates");
        if (tls.has("caCertificateRefs")) {
            throw tls.error("caCertificateRefs", "references to Kubernetes objects need the Kubernetes mode; in a file, "
                    + "name a PEM file with caFile");
        }
        String ca = tls.optionalString("caFile", null);
        if (ca != null && !java.nio.file.Files.isReadable(Path.of(ca))) {
            throw tls.error("caFile", "cannot read '" + ca + "'");
        }
        return new Upstream.Tls(ca == null ? null : Path.of(ca), tls.bool("insecureSkipVerify", false),
                tls.optionalString("sni", null));
    }

    /** A {@code headerMutation}; names and values must be ones the gateway can send ({@link HeaderFields}). */
    private static HeaderMutation headerMutation(Fields f) throws ConfigException {
        f.only("set", "remove");
        List<Map.Entry<String, String>> set = f.list("set", h -> {
            h.only("name", "value");
            return new AbstractMap.SimpleImmutableEntry<>(HeaderFields.name(h, "name"), HeaderFields.value(h, "value", ""));
        });
        return new HeaderMutation(set, f.list("remove", HeaderFields::name));
    }

    private static Map<String, Backend> resolveBackends(Map<String, BackendDoc> services,
            Map<String, List<Upstream>> endpoints) throws ConfigException {
        Map<String, Backend> out = new LinkedHashMap<>();
        for (Map.Entry<String, BackendDoc> e : services.entrySet()) {
            BackendDoc d = e.getValue();
            List<Upstream> ups = endpoints.get(d.backendName());
            if (ups == null) {
                throw d.at().error("name", "no Backend named '" + d.backendName() + "' in this file"
                        + (endpoints.isEmpty() ? "" : "; Backends: " + String.join(", ", endpoints.keySet())));
            }
            out.put(e.getKey(), new Backend(e.getKey(), d.schema(), ups, d.headerMutation(), null));
        }
        return out;
    }

    /** Each policy to the backends it targets; one policy per backend, as Envoy AI Gateway requires. */
    private static void attachPolicies(Map<String, Backend> backends, Map<String, SecurityPolicy> policies,
            Map<String, Fields> docs) throws ConfigException {
        for (SecurityPolicy p : policies.values()) {
            for (String target : p.targets()) {
                Backend b = backends.get(target);
                if (b == null) {
                    throw docs.get(p.name()).error("spec.targetRefs", "no AIServiceBackend named '" + target
                            + "' in this file" + (backends.isEmpty() ? "" : "; AIServiceBackends: "
                            + String.join(", ", backends.keySet())));
                }
                if (b.security() != null) {
                    throw docs.get(p.name()).error("spec.targetRefs", "AIServiceBackend '" + target
                            + "' is already targeted by BackendSecurityPolicy '" + b.security().name()
                            + "'; a backend takes one policy");
                }
                backends.put(target, b.withSecurity(p));
            }
        }
    }

    private record RouteDoc(String name, String namespace, Fields doc, Fields spec) {}

    private record ObjectiveDoc(InferenceObjective objective, Fields at) {}

    /** An InferenceObjective: a priority (int, may be negative, unset = 0) for requests to one pool. */
    private static ObjectiveDoc objective(String name, Fields f, Fields spec) throws ConfigException {
        spec.only("priority", "poolRef");
        Fields ref = spec.object("poolRef").only("name", "group", "kind");
        String kind = ref.optionalString("kind", "InferencePool");
        if (!kind.equals("InferencePool")) {
            throw ref.error("kind", "expected InferencePool, got '" + kind + "'");
        }
        String group = ref.optionalString("group", "inference.networking.k8s.io");
        if (!group.equals("inference.networking.k8s.io") && !group.equals("inference.networking.x-k8s.io")) {
            throw ref.error("group", "expected inference.networking.k8s.io, got '" + group + "'");
        }
        int priority = spec.integer("priority", 0, Integer.MIN_VALUE, Integer.MAX_VALUE);
        return new ObjectiveDoc(new InferenceObjective(name, priority, ref.string("name")), f);
    }

    /** Switchboard's {@code Endpoints}: model servers with labels, standing in for Pods outside Kubernetes. */
    private static List<PoolConfig.Member> members(Fields spec) throws ConfigException {
        spec.only("endpoints");
        return spec.list("endpoints", e -> {
            e.only("name", "address", "port", "labels");
            java.util.Map<String, String> labels = new java.util.LinkedHashMap<>();
            Fields l = e.optionalObject("labels");
            for (java.util.Iterator<String> it = l.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                labels.put(k, l.string(k));
            }
            return new PoolConfig.Member(e.string("address"), e.integer("port", 0, 0, 65535), labels);
        });
    }

    /** An InferencePool (v1): the Endpoints entries its selector matches, at each target port (or their own port). */
    private static PoolConfig pool(String name, Fields spec, List<PoolConfig.Member> all, List<Path> endpointFiles,
            ModelRewrites rewrites, List<InferenceObjective> objectives, Map<String, Fields> pickerConfigs)
            throws ConfigException {
        spec.only("selector", "targetPorts", "appProtocol", "endpointPickerRef");
        Fields selector = spec.object("selector").only("matchLabels");
        Fields match = selector.object("matchLabels");
        Map<String, String> wanted = new LinkedHashMap<>();
        for (java.util.Iterator<String> it = match.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            wanted.put(k, match.string(k));
        }
        List<Integer> ports = spec.list("targetPorts", p -> {
            p.only("number");
            return p.integer("number", 0, 1, 65535);
        });
        if (ports.isEmpty() || ports.size() > 8) {
            throw spec.error("targetPorts", "expected 1 to 8 ports, got " + ports.size());
        }
        PoolConfig.PickerRef picker = picker(spec, pickerConfigs);
        PoolConfig unresolved = new PoolConfig(name, wanted, ports, List.of(), endpointFiles, rewrites, objectives, picker);
        return new PoolConfig(name, wanted, ports, unresolved.select(all), endpointFiles, rewrites, objectives, picker);
    }

    /**
     * What a pool's {@code endpointPickerRef} names, or null without one. With {@code kind: EndpointPickerConfig} the
     * document must be in this file. With the reference's default kind, a Service (an EPP this gateway does not
     * call, since the gateway is the picker), the name may still name a document or a built-in profile; the gateway
     * falls back to the default profile otherwise, so Kubernetes resources load unchanged.
     */
    private static PoolConfig.PickerRef picker(Fields poolSpec, Map<String, Fields> docs) throws ConfigException {
        if (!poolSpec.has("endpointPickerRef")) {
            return null;
        }
        Fields ref = poolSpec.object("endpointPickerRef").only("group", "kind", "name", "port", "failureMode");
        String name = ref.string("name");
        Fields doc = docs.get(name);
        if (doc == null && ref.optionalString("kind", "Service").equals(PICKER_KIND)) {
            throw ref.error("name", "no " + PICKER_KIND + " named '" + name + "' in this file"
                    + (docs.isEmpty() ? "" : "; " + PICKER_KIND + "s: " + String.join(", ", docs.keySet())));
        }
        return new PoolConfig.PickerRef(name, doc);
    }

    private static List<RouteRule> rules(RouteDoc r, Map<String, Backend> backends, Map<String, PoolConfig> pools,
            boolean clientAuth) throws ConfigException {
        Fields spec = r.spec().only("schema", "parentRefs", "rules", "llmRequestCosts", "hostnames", "filterConfig");
        if (spec.has("schema")) { // v1alpha1's input schema: each client API is told by its path here
            Fields schema = spec.object("schema").only("name", "version");
            if (!schema.string("name").equals("OpenAI")) {
                throw schema.error("name", "expected OpenAI (the input schema; Switchboard also serves the Anthropic"
                        + " and Gemini APIs on their own paths), got '" + schema.string("name") + "'");
            }
        }
        List<RouteRule> out = new ArrayList<>();
        List<Fields> rules = spec.list("rules", f -> f);
        if (rules.isEmpty()) {
            throw spec.error("rules", "required: at least one rule");
        }
        for (int i = 0; i < rules.size(); i++) {
            Fields rule = rules.get(i).only("name", "matches", "backendRefs", "timeouts", "streamIdleTimeout", "retry",
                    "modelsOwnedBy", "modelsCreatedAt");
            List<List<HeaderMatch>> matches = rule.list("matches", m -> {
                m.only("headers");
                return m.list("headers", ConfigLoader::headerMatch);
            });
            List<BackendRef> refs = rule.list("backendRefs", b -> backendRef(b, backends, pools, clientAuth));
            if (refs.isEmpty()) {
                throw rule.error("backendRefs", "required: at least one backendRef");
            }
            if (refs.stream().noneMatch(b -> b.weight() > 0)) {
                throw rule.error("backendRefs", "at least one backendRef needs a weight above 0");
            }
            Fields timeouts = rule.optionalObject("timeouts").only("request", "backendRequest");
            Fields retry = rule.optionalObject("retry").only("numRetries", "backoff");
            RouteRule.RetryPolicy d = RouteRule.RetryPolicy.DEFAULT;
            out.add(new RouteRule(r.name(), rule.optionalString("name", r.name() + "/" + i), matches, refs,
                    timeouts.duration("request", RouteRule.DEFAULT_REQUEST_TIMEOUT),
                    rule.duration("streamIdleTimeout", RouteRule.DEFAULT_STREAM_IDLE_TIMEOUT),
                    new RouteRule.RetryPolicy(retry.integer("numRetries", d.numRetries(), 0, 10),
                            retry.duration("backoff", d.backoff()))));
        }
        return out;
    }

    private static HeaderMatch headerMatch(Fields h) throws ConfigException {
        h.only("type", "name", "value");
        String type = h.optionalString("type", "Exact");
        HeaderMatch.Type t;
        try {
            t = HeaderMatch.Type.valueOf(type);
        } catch (IllegalArgumentException e) {
            throw h.error("type", "expected Exact, Prefix or RegularExpression, got '" + type + "'");
        }
        String name = HeaderFields.name(h, "name");
        String value = h.string("value");
        try {
            return HeaderMatch.of(t, name, value);
        } catch (IllegalArgumentException e) { // a regular expression RE2 does not take; the message says why
            throw h.error("value", e.getMessage());
        }
    }

    /** {@code clientAuth}: the configuration authenticates its clients (a ClientAuth document). */
    private static BackendRef backendRef(Fields b, Map<String, Backend> backends, Map<String, PoolConfig> pools,
            boolean clientAuth) throws ConfigException {
        b.only("name", "namespace", "group", "kind", "weight", "priority", "modelNameOverride", "headerMutation",
                "bodyMutation", "forwardClientCredentials", "honorModelRewriteHeader");
        if (b.has("bodyMutation")) {
            throw b.error("bodyMutation", "is not supported yet; the gateway translates bodies between schemas itself,"
                    + " and modelNameOverride rewrites the model");
        }
        String name = b.string("name");
        String kind = b.optionalString("kind", "AIServiceBackend");
        BackendRef.ClientTrust trust = new BackendRef.ClientTrust(b.bool("forwardClientCredentials", false),
                b.bool("honorModelRewriteHeader", false));
        if (trust.forwardCredentials() && clientAuth) {
            throw b.error("forwardClientCredentials", "would send each client's Switchboard key (the credential its"
                    + " ClientAuth checks) to the backend; with ClientAuth the gateway authenticates clients itself and"
                    + " the backend gets its own credentials from a BackendSecurityPolicy: remove one of the two");
        }
        if (trust.honorModelRewrite() && !kind.equals("InferencePool")) {
            throw b.error("honorModelRewriteHeader", "only an InferencePool backendRef reads the model rewrite header"
                    + " (it picks the model or adapter the pool serves)");
        }
        if (kind.equals("InferencePool")) {
            PoolConfig pool = pools.get(name);
            if (pool == null) {
                throw b.error("name", "no InferencePool named '" + name + "' in this file"
                        + (pools.isEmpty() ? "" : "; InferencePools: " + String.join(", ", pools.keySet())));
            }
            List<Upstream> ups = pool.endpoints().stream().map(m -> new Upstream(m.host(), m.port(), null)).toList();
            return new BackendRef(new Backend(name, "OpenAI", ups, HeaderMutation.NONE), b.integer("weight", 1, 0, 1_000_000),
                    b.integer("priority", 0, 0, 1000), HeaderFields.value(b, "modelNameOverride", null),
                    headerMutation(b.optionalObject("headerMutation")), pool, trust);
        }
        if (!kind.equals("AIServiceBackend")) {
            throw b.error("kind", "expected AIServiceBackend or InferencePool, got '" + kind + "'");
        }
        Backend backend = backends.get(name);
        if (backend == null) {
            throw b.error("name", "no AIServiceBackend named '" + name + "' in this file"
                    + (backends.isEmpty() ? "" : "; AIServiceBackends: " + String.join(", ", backends.keySet())));
        }
        return new BackendRef(backend, b.integer("weight", 1, 0, 1_000_000), b.integer("priority", 0, 0, 1000),
                HeaderFields.value(b, "modelNameOverride", null),
                backend.headerMutation().then(headerMutation(b.optionalObject("headerMutation"))), null, trust);
    }
}
