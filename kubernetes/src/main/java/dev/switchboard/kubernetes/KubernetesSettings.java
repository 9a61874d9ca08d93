package dev.switchboard.kubernetes;

import java.time.Duration;
import java.util.UUID;

/**
 * Where and how the Kubernetes mode reads its configuration.
 *
 * @param namespace      the namespace watched, or null for all namespaces
 * @param leaseNamespace where the leader's Lease lives (the gateway's own namespace)
 * @param leaseName      the Lease's name: replicas of one gateway share it
 * @param identity       this replica in the Lease (its Pod name)
 * @param gatewayName    the Gateway API Gateway to serve when several are of Switchboard's class, or null
 * @param debounce       how long a burst of changes is gathered before the configuration is built again
 * @param leaseDuration  how long a silent leader keeps the Lease
 * @param renewDeadline  how long the leader retries a renewal before giving up leadership
 * @param retryPeriod    how often candidates try for the Lease
 */
public record KubernetesSettings(String namespace, String leaseNamespace, String leaseName, String identity,
        String gatewayName, Duration debounce, Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {

    /** The defaults of a Deployment: Lease timings of the Kubernetes controllers' own (15 s, 10 s, 2 s). */
    public static KubernetesSettings of(String namespace, String leaseNamespace, String gatewayName) {
        String pod = System.getenv("POD_NAME");
        String identity = pod != null && !pod.isBlank() ? pod : "switchboard-" + UUID.randomUUID();
        return new KubernetesSettings(namespace, leaseNamespace, "switchboard", identity, gatewayName,
                Duration.ofMillis(200), Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
    }

    public KubernetesSettings withIdentity(String id) {
        return new KubernetesSettings(namespace, leaseNamespace, leaseName, id, gatewayName, debounce, leaseDuration,
                renewDeadline, retryPeriod);
    }

    /** Faster timings (tests, or a cluster that wants a quicker handover at the price of more Lease writes). */
    public KubernetesSettings withTimings(Duration debounce, Duration lease, Duration renew, Duration retry) {
        return new KubernetesSettings(namespace, leaseNamespace, leaseName, identity, gatewayName, debounce, lease,
                renew, retry);
    }

    String scope() {
        return namespace == null ? "all namespaces" : "namespace " + namespace;
    }
}
