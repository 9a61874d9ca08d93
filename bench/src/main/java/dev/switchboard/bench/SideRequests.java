package dev.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.bench.client.BodyCollector;
import dev.switchboard.bench.client.HttpClient;
import dev.switchboard.bench.report.PrefixCacheCounters;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The requests a run makes besides its load: the model list (when no model is given) and the {@code /metrics}
 * scrapes around each stage. Called from the run's own thread, which may block; the requests run on the loop.
 */
final class SideRequests {
    /** Timeout of one scrape or model lookup: a slow page must not hold the run up for long. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Largest page read, bytes; a vLLM /metrics page is tens of kilobytes. */
    static final int MAX_PAGE_BYTES = 16 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client;
    private final RequestEncoder encoder;
    private final Target target;

    SideRequests(HttpClient client, RequestEncoder encoder, Target target) {
        this.client = client;
        this.encoder = encoder;
        this.target = target;
    }

    /** The first model the target lists at {@code /v1/models}. */
    String firstModel() throws InterruptedException {
        Target.Page page = new Target.Page(target.origin(), target.modelsPath());
        BodyCollector.Body body;
        try {
            body = fetch(page).get(TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("no --model given and GET " + page + " failed: " + reason(e));
        }
        if (body.status() != 200) {
            throw new IllegalStateException("no --model given and GET " + page + " answered HTTP " + body.status());
        }
        try {
            JsonNode id = JSON.readTree(body.text()).path("data").path(0).path("id");
            if (id.isTextual() && !id.asText().isBlank()) {
                return id.asText();
            }
        } catch (IOException e) {
            // reported below
        }
        throw new IllegalStateException("no --model given and " + page + " lists no model");
    }

    /**
     * Prefix-cache counters of every metrics page, in {@link Target#metrics()} order; an entry is null when the
     * page could not be read or has no vLLM prefix-cache counters (a gateway's own page, a non-vLLM server).
     */
    List<PrefixCacheCounters> scrape() throws InterruptedException {
        List<CompletableFuture<BodyCollector.Body>> pending = new ArrayList<>();
        for (Target.Page page : target.metrics()) {
            pending.add(fetch(page));
        }
        List<PrefixCacheCounters> counters = new ArrayList<>();
        for (CompletableFuture<BodyCollector.Body> f : pending) {
            PrefixCacheCounters c = null;
            try {
                BodyCollector.Body body = f.get(TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
                c = body.status() == 200 ? PrefixCacheCounters.parse(body.text()) : null;
            } catch (ExecutionException | TimeoutException e) {
                // no counters from this page: reported as n/a
            }
            counters.add(c);
        }
        return counters;
    }

    /** The counters' growth between two scrapes, summed over the pages read both times; null when there is none. */
    static PrefixCacheCounters delta(List<PrefixCacheCounters> before, List<PrefixCacheCounters> after) {
        PrefixCacheCounters sum = null;
        for (int i = 0; i < Math.min(before.size(), after.size()); i++) {
            if (before.get(i) != null && after.get(i) != null) {
                PrefixCacheCounters d = after.get(i).minus(before.get(i));
                sum = sum == null ? d : sum.plus(d);
            }
        }
        return sum;
    }

    private CompletableFuture<BodyCollector.Body> fetch(Target.Page page) {
        BodyCollector collector = new BodyCollector(MAX_PAGE_BYTES);
        client.loop().execute(() -> client.send(page.origin(), encoder.get(page), collector, TIMEOUT.toNanos()));
        return collector.future();
    }

    private static String reason(Exception e) {
        Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
