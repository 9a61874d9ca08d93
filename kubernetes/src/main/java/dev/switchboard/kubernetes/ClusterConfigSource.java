package dev.switchboard.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.config.ConfigDocument;
import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.LoadOptions;
import dev.switchboard.core.config.SkippingLoader;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configuration of a cluster: informers on every kind a configuration file holds, on Pods (the pools' members)
 * and on Secrets (credentials), built into a {@link GatewayConfig} by the same loader as a file and handed whole to
 * the server, which swaps it atomically. A bad resource is left out with its reason, the rest still applies; a
 * set that cannot be served at all keeps the running configuration.
 *
 * <p>Changes are gathered for {@link KubernetesSettings#debounce()} and built on one thread. What the loader reads
 * is compared with the last build first, so a status write, a resync or a Pod change that leaves its readiness and
 * IP alone builds nothing. A changed Secret is written to its file in place (the credential readers pick it up)
 * without a rebuild. The replica holding the Lease writes status conditions; every replica serves.
 */
public final class ClusterConfigSource implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterConfigSource.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** ConfigMaps read whatever names them: the body-based router's adapter lists carry this label. */
    static final String BBR_LABEL = "inference.networking.k8s.io/bbr-managed";
    /** ConfigMaps an operator gives the gateway (an EndpointPickerConfig, say) carry this label. */
    static final String CONFIG_LABEL = "switchboard.dev/config";
    private static final long RESYNC_MILLIS = 10 * 60_000L;
    private static final long STATUS_RETRY_MILLIS = 5_000L;

    /** Applies a configuration the source built (the server's reload); a refusal keeps the old one. */
    @FunctionalInterface
    public interface Apply {
        void apply(GatewayConfig config) throws ConfigException;
    }

    private final KubernetesClient client;
    private final KubernetesSettings settings;
    private final SkippingLoader.Check check;
    private final ScheduledExecutorService loop;
    private final Map<WatchedKind, SharedIndexInformer<GenericKubernetesResource>> informers = new LinkedHashMap<>();
    private final List<SharedIndexInformer<?>> all = new ArrayList<>();
    private SharedIndexInformer<Pod> pods;
    private SharedIndexInformer<Secret> secrets;
    private SharedIndexInformer<ConfigMap> configMaps;
    private final SecretFiles secretFiles;
    private final StatusWriter status;
    private final AtomicBoolean pending = new AtomicBoolean();
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final Set<String> logged = new HashSet<>();
    private volatile Apply apply = c -> { };
    private volatile GatewayConfig current;
    private Leadership leadership;
    // confined to the loop thread
    private List<ObjectNode> lastDocuments;
    private List<ClusterResource> lastResources;
    private SkippingLoader.Result lastResult;

    private ClusterConfigSource(KubernetesClient client, KubernetesSettings settings, SkippingLoader.Check check) {
        this.client = client;
        this.settings = settings;
        this.check = check;
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "switchboard-kubernetes");
            t.setDaemon(true);
            return t;
        });
        this.secretFiles = new SecretFiles(key -> secrets == null ? null : secrets.getStore().getByKey(key),
                settings.namespace() != null ? settings.namespace() : settings.leaseNamespace());
        this.status = new StatusWriter(client, Clock.systemUTC(), settings.leaseName());
    }

    /**
     * Starts the informers, waits for their first lists and builds the first configuration ({@link #current()}).
     * Later builds go to the {@link #onChange} target once one is set.
     *
     * @param check what a later stage verifies of a build (the policies and pickers it makes); a document it
     *              names is left out like one the loader refused
     * @throws ConfigException when the first set cannot be served at all (the message says why)
     */
    public static ClusterConfigSource start(KubernetesClient client, KubernetesSettings settings,
            SkippingLoader.Check check) throws ConfigException {
        ClusterConfigSource s = new ClusterConfigSource(client, settings, check);
        try {
            s.watch();
            var first = s.loop.submit(() -> {
                s.rebuild(true);
                return s.current;
            }).get();
            if (first == null) {
                throw new ConfigException("the resources in " + settings.scope() + " make no configuration that can"
                        + " be served; see the log for the reasons");
            }
            s.leadership = new Leadership(client, settings, () -> s.loop.execute(s::writeStatus));
            return s;
        } catch (ConfigException e) {
            s.close();
            throw e;
        } catch (Exception e) {
            s.close();
            throw new ConfigException("cannot read the configuration from the Kubernetes API server: " + e, e);
        }
    }

    /** Where later builds go (the server's reload). */
    public void onChange(Apply target) {
        this.apply = target;
    }

    /** The configuration last built and applied. */
    public GatewayConfig current() {
        return current;
    }

    /** Whether this replica holds the Lease (and so writes status). */
    public boolean leading() {
        return leadership != null && leadership.leading();
    }

    /** Builds applied since start, and builds refused (the running configuration kept). */
    public long applied() {
        return applied.get();
    }

    public long refused() {
        return refused.get();
    }

    private void watch() throws ConfigException {
        try { // one cheap call first: an unreachable or refusing API server is one clear message, not one per kind
            scopedList(client.pods());
        } catch (KubernetesClientException e) {
            throw new ConfigException("cannot list Pods in " + settings.scope() + " at " + client.getMasterUrl()
                    + ": " + firstLine(e.getMessage()) + (e.getCause() == null ? "" : " (" + rootCause(e) + ")")
                    + (e.getCode() == 403 ? " (the service account needs the RBAC"
                    + " of deploy/manifests/rbac.yaml)" : " (in a cluster the Pod's service account is used; outside"
                    + " one, KUBECONFIG or ~/.kube/config)"), e);
        }
        for (WatchedKind k : WatchedKind.CONFIGURATION) {
            try {
                var ops = client.genericKubernetesResources(k.context());
                SharedIndexInformer<GenericKubernetesResource> inf = k.namespaced()
                        ? scoped(ops).inform(handler(), RESYNC_MILLIS)
                        : ops.inform(handler(), RESYNC_MILLIS);
                informers.put(k, inf);
                all.add(inf);
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404 && e.getCode() != 403) {
                    throw new ConfigException("cannot watch " + k + ": " + firstLine(e.getMessage()), e);
                }
                // the CRD is not installed, or RBAC does not allow it: the other kinds still configure the gateway
                LOG.info("{} is not watched ({}): install its CRD and allow list/watch to use it", k,
                        firstLine(e.getMessage()));
            }
        }
        pods = scoped(client.pods()).inform(handler(), RESYNC_MILLIS);
        configMaps = scoped(client.configMaps()).inform(handler(), RESYNC_MILLIS);
        secrets = scoped(client.secrets()).inform(new Handler<>(this::secretChanged), RESYNC_MILLIS);
        all.add(pods);
        all.add(configMaps);
        all.add(secrets);
    }

    private <T extends HasMetadata, L, R extends Resource<T>> void scopedList(MixedOperation<T, L, R> ops) {
        if (settings.namespace() == null) {
            ops.inAnyNamespace().list(new ListOptionsBuilder().withLimit(1L).build());
        } else {
            ops.inNamespace(settings.namespace()).list(new ListOptionsBuilder().withLimit(1L).build());
        }
    }

    private <T extends HasMetadata, L, R extends Resource<T>> Informable<T> scoped(MixedOperation<T, L, R> ops) {
        return settings.namespace() == null ? ops.inAnyNamespace() : ops.inNamespace(settings.namespace());
    }

    private <T> ResourceEventHandler<T> handler() {
        return new Handler<>(this::changed);
    }

    private void changed() {
        if (pending.compareAndSet(false, true)) {
            loop.schedule(() -> {
                pending.set(false);
                rebuild(false);
            }, settings.debounce().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** A Secret changed: its files are written again; a build that left something out is tried again. */
    private void secretChanged() {
        loop.execute(() -> {
            secretFiles.refresh();
            if (lastResult != null && !lastResult.rejected().isEmpty()) {
                rebuild(true);
            }
        });
    }

    private void rebuild(boolean force) {
        List<ClusterResource> resources = snapshot();
        List<ObjectNode> documents = resources.stream().map(ClusterResource::document).toList();
        if (!force && documents.equals(lastDocuments)) {
            return;
        }
        List<ConfigDocument> set = new ArrayList<>(resources.size());
        for (ClusterResource r : resources) {
            set.add(new ConfigDocument(r.document(), "Kubernetes " + (r.namespace() == null ? "" : r.namespace() + "/")
                    + r.document().path("kind").asText() + "/" + r.name()));
        }
        LoadOptions options = new LoadOptions(Path.of(""), secretFiles, LoadOptions.CONTROLLER_NAME,
                settings.gatewayName());
        SkippingLoader.Result result;
        try {
            result = SkippingLoader.load(set, "Kubernetes " + settings.scope(), options, check);
        } catch (ConfigException e) {
            refused.incrementAndGet();
            LOG.error("the resources in {} cannot be served as they are; the running configuration stays: {}",
                    settings.scope(), e.getMessage());
            lastDocuments = documents;
            return;
        }
        try {
            if (current != null) {
                apply.apply(result.config());
            }
        } catch (ConfigException e) {
            refused.incrementAndGet();
            LOG.error("a configuration from {} was refused; the running one stays: {}", settings.scope(), e.getMessage());
            lastDocuments = documents;
            return;
        }
        current = result.config();
        applied.incrementAndGet();
        lastDocuments = documents;
        lastResources = resources;
        lastResult = result;
        report(result);
        writeStatus();
    }

    /** Logs each note and each left-out resource once while it lasts (a rebuild does not repeat them). */
    private void report(SkippingLoader.Result result) {
        Set<String> now = new HashSet<>(result.config().notes());
        result.rejected().values().forEach(now::add);
        for (String note : result.config().notes()) {
            if (!logged.contains(note)) {
                LOG.info("{}", note);
            }
        }
        for (String why : result.rejected().values()) {
            if (!logged.contains(why)) {
                LOG.warn("left out: {}", why);
            }
        }
        logged.retainAll(now);
        logged.addAll(now);
        LOG.info("configuration from {}: {} rules, {} backends, {} InferencePools{}", settings.scope(),
                result.config().rules().size(), result.config().backends().size(), result.config().pools().size(),
                result.rejected().isEmpty() ? "" : ", " + result.rejected().size() + " resources left out");
    }

    private void writeStatus() {
        if (lastResult == null || !leading()) {
            return;
        }
        if (!status.write(lastResources, lastResult)) {
            loop.schedule(this::writeStatus, STATUS_RETRY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** The resources the loader reads, in a stable order, with the Pods as one Endpoints document. */
    private List<ClusterResource> snapshot() {
        List<ClusterResource> out = new ArrayList<>();
        Set<String> pickerRefs = new HashSet<>();
        for (var e : informers.entrySet()) {
            WatchedKind k = e.getKey();
            List<GenericKubernetesResource> items = new ArrayList<>(e.getValue().getStore().list());
            items.sort(Comparator.comparing((GenericKubernetesResource g) -> String.valueOf(g.getMetadata().getNamespace()))
                    .thenComparing(g -> g.getMetadata().getName()));
            for (GenericKubernetesResource g : items) {
                ObjectNode full = JSON.valueToTree(g);
                String ns = g.getMetadata().getNamespace();
                ObjectNode doc = document(full, ns);
                if (k.kind().equals("InferencePool")) {
                    PodMembers.scopePool(doc, ns);
                    JsonNode ref = doc.path("spec").path("endpointPickerRef").path("name");
                    if (ref.isTextual()) {
                        pickerRefs.add(ns + "/" + ref.asText());
                    }
                }
                Long generation = g.getMetadata().getGeneration();
                out.add(new ClusterResource(k, ns, g.getMetadata().getName(), doc,
                        generation == null ? 0 : generation, full.get("status")));
            }
        }
        List<ConfigMap> maps = new ArrayList<>(configMaps.getStore().list());
        maps.sort(Comparator.comparing((ConfigMap m) -> m.getMetadata().getNamespace())
                .thenComparing(m -> m.getMetadata().getName()));
        for (ConfigMap m : maps) {
            Map<String, String> labels = m.getMetadata().getLabels() == null ? Map.of() : m.getMetadata().getLabels();
            String id = m.getMetadata().getNamespace() + "/" + m.getMetadata().getName();
            if ("true".equals(labels.get(BBR_LABEL)) || labels.containsKey(CONFIG_LABEL) || pickerRefs.contains(id)) {
                ObjectNode doc = document(JSON.valueToTree(m), m.getMetadata().getNamespace());
                out.add(new ClusterResource(null, m.getMetadata().getNamespace(), m.getMetadata().getName(), doc, 0,
                        null));
            }
        }
        out.add(new ClusterResource(null, null, PodMembers.DOCUMENT_NAME, PodMembers.document(pods.getStore().list()),
                0, null));
        return out;
    }

    /** The object as a configuration document: no status, and of its metadata only the name and namespace. */
    private static ObjectNode document(ObjectNode full, String namespace) {
        ObjectNode doc = full.deepCopy();
        doc.remove("status");
        ObjectNode metadata = JSON.createObjectNode();
        metadata.put("name", full.path("metadata").path("name").asText());
        if (namespace != null) {
            metadata.put("namespace", namespace);
        }
        doc.set("metadata", metadata);
        return doc;
    }

    private static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + firstLine(t.getMessage()));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @Override
    public void close() {
        if (leadership != null) {
            leadership.close();
        }
        all.forEach(SharedIndexInformer::stop);
        loop.shutdownNow();
        secretFiles.close();
    }

    /** Any event of an informer is a reason to look again. */
    private record Handler<T>(Runnable onEvent) implements ResourceEventHandler<T> {
        @Override
        public void onAdd(T obj) {
            onEvent.run();
        }

        @Override
        public void onUpdate(T oldObj, T newObj) {
            onEvent.run();
        }

        @Override
        public void onDelete(T obj, boolean deletedFinalStateUnknown) {
            onEvent.run();
        }
    }
}
