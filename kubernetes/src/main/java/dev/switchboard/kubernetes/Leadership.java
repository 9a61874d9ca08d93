package dev.switchboard.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one replica that writes status: the holder of a coordination.k8s.io Lease. Every replica serves traffic;
 * only writing status needs one writer, or replicas with configurations a moment apart would flap the conditions.
 * A replica that stops releases the Lease, so the next one takes over without waiting for it to expire.
 */
final class Leadership implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

    private final AtomicBoolean leading = new AtomicBoolean();
    private final CompletableFuture<?> running;

    Leadership(KubernetesClient client, KubernetesSettings s, Runnable onStart) {
        var config = new LeaderElectionConfigBuilder().withName(s.leaseName())
                .withLock(new LeaseLock(s.leaseNamespace(), s.leaseName(), s.identity()))
                .withLeaseDuration(s.leaseDuration()).withRenewDeadline(s.renewDeadline())
                .withRetryPeriod(s.retryPeriod()).withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(() -> {
                    leading.set(true);
                    LOG.info("{} leads (Lease {}/{}): it writes status", s.identity(), s.leaseNamespace(), s.leaseName());
                    onStart.run();
                }, () -> {
                    leading.set(false);
                    LOG.info("{} no longer leads (Lease {}/{})", s.identity(), s.leaseNamespace(), s.leaseName());
                }, leader -> LOG.debug("Lease {}/{} is held by {}", s.leaseNamespace(), s.leaseName(), leader)))
                .build();
        running = client.leaderElector().withConfig(config).build().start();
    }

    boolean leading() {
        return leading.get();
    }

    @Override
    public void close() {
        leading.set(false);
        running.cancel(true); // releases the Lease (releaseOnCancel)
    }
}
