package dev.switchboard.picker.datalayer;

import java.util.List;

/**
 * What one scrape of a model server's metrics says about its load. Fields it did not report are -1 (counts,
 * sizes) or NaN (fractions); lists are empty.
 *
 * @param waiting         requests queued
 * @param running         requests in the running batch
 * @param kvCacheUsage    fraction of KV cache in use, 0..1
 * @param blockSize       tokens per KV block
 * @param kvBlocks        KV blocks on the device
 * @param maxLoras        LoRA adapters that can run at once
 * @param runningAdapters adapters in the running batch
 * @param waitingAdapters adapters of waiting requests
 */
public record ModelServerMetrics(
        int waiting, int running, double kvCacheUsage, int blockSize, int kvBlocks, int maxLoras,
        List<String> runningAdapters, List<String> waitingAdapters) {

    public ModelServerMetrics {
        runningAdapters = List.copyOf(runningAdapters);
        waitingAdapters = List.copyOf(waitingAdapters);
    }

    /** Whether any load signal was found: a page without one (an error page, garbage) is no scrape at all. */
    public boolean reportsLoad() {
        return waiting >= 0 || running >= 0 || !Double.isNaN(kvCacheUsage);
    }
}
