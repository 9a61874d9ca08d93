package dev.switchboard.extproc.protocol;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The load-balancing metadata of the protocol: the subset hint and the served endpoint Envoy passes in
 * {@code metadata_context.filter_metadata}, and the dynamic metadata that carries the picked endpoints back.
 */
public final class LbMetadata {
    private LbMetadata() {}

    /**
     * The subset hint: the {@code ip:port} addresses the pick must stay within, or null when Envoy sent none (any
     * endpoint). An empty set means the key was there and listed nothing: no endpoint is eligible (503). A single
     * string (some proxies send one address, or a comma list, instead of a list) is read as such a list.
     */
    public static Set<String> subsetHint(Metadata metadata) {
        Struct hint = metadata.getFilterMetadataMap().get(EppNames.SUBSET_HINT_NAMESPACE);
        if (hint == null || !hint.containsFields(EppNames.SUBSET_KEY)) {
            return null;
        }
        Value v = hint.getFieldsOrThrow(EppNames.SUBSET_KEY);
        Set<String> out = new LinkedHashSet<>();
        switch (v.getKindCase()) {
            case LIST_VALUE -> {
                for (Value item : v.getListValue().getValuesList()) {
                    if (item.hasStringValue()) {
                        addAddresses(item.getStringValue(), out);
                    }
                }
            }
            case STRING_VALUE -> addAddresses(v.getStringValue(), out);
            default -> { } // a number or a struct names no endpoint: nothing is eligible
        }
        return out;
    }

    private static void addAddresses(String list, Set<String> out) {
        for (String a : list.split(",")) {
            if (!a.isBlank()) {
                out.add(a.strip());
            }
        }
    }

    /** The endpoint that served the response ({@code envoy.lb} → served key), or null when Envoy did not say. */
    public static String servedEndpoint(Metadata metadata) {
        Struct lb = metadata.getFilterMetadataMap().get(EppNames.LB_NAMESPACE);
        if (lb == null) {
            return null;
        }
        Value v = lb.getFieldsMap().get(EppNames.SERVED_ENDPOINT);
        return v == null || !v.hasStringValue() || v.getStringValue().isBlank() ? null : v.getStringValue().strip();
    }

    /** The dynamic metadata of a pick: {@code {"envoy.lb": {"x-gateway-destination-endpoint": destinations}}}. */
    public static Struct destination(String destinations) {
        Struct lb = Struct.newBuilder()
                .putFields(EppNames.DESTINATION_ENDPOINT, Value.newBuilder().setStringValue(destinations).build())
                .build();
        return Struct.newBuilder().putFields(EppNames.LB_NAMESPACE, Value.newBuilder().setStructValue(lb).build())
                .build();
    }

    /**
     * {@code metadata} (a pick's, or null for none) with the authenticated client added to its {@code envoy.lb}
     * struct: {@code principal} its id, {@code principal.<label>} each label. The same namespace as the pick's, so
     * the filter's one {@code receiving_namespaces} entry lets Envoy keep both, and its access log reads them as
     * {@code %DYNAMIC_METADATA(envoy.lb:principal)%}.
     */
    public static Struct withPrincipal(Struct metadata, String id, Map<String, String> labels) {
        Struct.Builder lb = metadata != null && metadata.containsFields(EppNames.LB_NAMESPACE)
                ? metadata.getFieldsOrThrow(EppNames.LB_NAMESPACE).getStructValue().toBuilder() : Struct.newBuilder();
        lb.putFields(EppNames.PRINCIPAL, Value.newBuilder().setStringValue(id).build());
        labels.forEach((k, v) -> lb.putFields(EppNames.PRINCIPAL_LABEL_PREFIX + k,
                Value.newBuilder().setStringValue(v).build()));
        Struct.Builder out = metadata == null ? Struct.newBuilder() : metadata.toBuilder();
        return out.putFields(EppNames.LB_NAMESPACE, Value.newBuilder().setStructValue(lb).build()).build();
    }

    /** A subset hint as Envoy sends it, for tests and tools that play Envoy's part. */
    public static Metadata subsetHintMetadata(Iterable<String> addresses) {
        ListValue.Builder list = ListValue.newBuilder();
        for (String a : addresses) {
            list.addValues(Value.newBuilder().setStringValue(a));
        }
        Struct hint = Struct.newBuilder()
                .putFields(EppNames.SUBSET_KEY, Value.newBuilder().setListValue(list).build()).build();
        return Metadata.newBuilder().putFilterMetadata(EppNames.SUBSET_HINT_NAMESPACE, hint).build();
    }

    /** Response-path metadata naming the served endpoint, as Envoy sends it. */
    public static Metadata servedMetadata(String address) {
        Struct lb = Struct.newBuilder()
                .putFields(EppNames.SERVED_ENDPOINT, Value.newBuilder().setStringValue(address).build()).build();
        return Metadata.newBuilder().putFilterMetadata(EppNames.LB_NAMESPACE, lb).build();
    }
}
