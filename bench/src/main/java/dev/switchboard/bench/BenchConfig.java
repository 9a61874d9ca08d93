package dev.switchboard.bench;

import dev.switchboard.bench.client.Origin;
import dev.switchboard.bench.scenario.LoadStage;
import dev.switchboard.bench.scenario.RandomSpec;
import dev.switchboard.bench.scenario.WorkloadSpec;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code switchboard bench} run, validated: invalid values throw {@link IllegalArgumentException} naming the flag.
 *
 * <p>Bounds: a stage ends at the first of its request cap ({@code requestsPerStage}, and what is left of
 * {@code requests}), {@code stageDuration}, the end of {@code duration} for the whole run, or the workload running
 * out; then its in-flight requests are awaited (each bounded by {@code timeout}) and counted in it. When nothing
 * else would end a stage, {@code stageDuration} defaults to {@link #DEFAULT_STAGE_DURATION}, so a run always stops.
 *
 * @param url              the target's base URL, e.g. {@code http://127.0.0.1:8000} (a trailing {@code /v1} is fine)
 * @param api              which OpenAI API to call
 * @param model            the {@code model} to request; null = the first one the target lists at {@code /v1/models}
 * @param apiKey           sent as {@code Authorization: Bearer} to the target only; null = none
 * @param headers          extra request headers
 * @param stages           load stages, run in order
 * @param stageDuration    how long each stage issues requests, or null (bounded otherwise)
 * @param duration         cap on the whole run, or null
 * @param requests         cap on requests over the whole run, 0 = none
 * @param requestsPerStage cap on requests per stage, 0 = none
 * @param timeout          per request, from sending to the end of the response
 * @param stream           stream responses (SSE) and measure TTFT and inter-token latency
 * @param workload         what to send
 * @param seed             makes prompts, lengths, model picks and arrivals repeatable
 * @param json             print the report as JSON instead of a table
 * @param moreUrls         further targets of the same API path: requests go round-robin over {@code url} and
 *                         these (several gateway replicas, as a Service would spread them); empty for one target
 * @param metricsUrls      extra Prometheus endpoints to read prefix-cache counters from (a pool behind a gateway);
 *                         the target's own {@code /metrics} is always tried
 */
public record BenchConfig(URI url, Api api, String model, String apiKey, Map<String, String> headers,
        List<LoadStage> stages, Duration stageDuration, Duration duration, long requests, long requestsPerStage,
        Duration timeout, boolean stream, WorkloadSpec workload, long seed, boolean json, List<URI> metricsUrls,
        List<URI> moreUrls) {

    /** Stage length when no request cap or run duration bounds the stages. */
    public static final Duration DEFAULT_STAGE_DURATION = Duration.ofSeconds(30);
    /** Per-request timeout unless set: long generations at high load can take minutes. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(300);
    /** Concurrency of the default closed-loop stage. */
    public static final int DEFAULT_CONCURRENCY = 8;

    /** The OpenAI API a run calls. */
    public enum Api {
        /** {@code POST /v1/chat/completions} with {@code messages}. */
        CHAT("chat", "/chat/completions"),
        /** {@code POST /v1/completions} with {@code prompt}. */
        COMPLETIONS("completions", "/completions");

        private final String label;
        private final String path;

        Api(String label, String path) {
            this.label = label;
            this.path = path;
        }

        public String label() {
            return label;
        }

        /** The path below {@code /v1}. */
        public String path() {
            return path;
        }

        /** {@code chat} or {@code completions}. */
        public static Api parse(String s) {
            for (Api a : values()) {
                if (a.label.equalsIgnoreCase(s.strip())) {
                    return a;
                }
            }
            throw new IllegalArgumentException("--api must be chat or completions, got '" + s + "'");
        }
    }

    public BenchConfig {
        require(url != null, "--url is required");
        Origin.of(url); // scheme, host and port, with a clear message
        require(url.getRawQuery() == null && url.getRawFragment() == null, "--url must be a base URL without query or fragment, got " + url);
        require(api != null, "--api is required");
        require(model == null || !model.isBlank(), "--model must not be blank");
        require(apiKey == null || noLineBreak(apiKey), "--api-key must not contain line breaks");
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers == null ? Map.of() : headers));
        headers.forEach((k, v) -> {
            require(isToken(k), "--header name '" + k + "' is not a valid HTTP header name");
            require(noLineBreak(v), "--header " + k + " must not contain line breaks");
        });
        require(stages != null && !stages.isEmpty(), "at least one load stage (--rate or --concurrency) is required");
        stages = List.copyOf(stages);
        require(stageDuration == null || positive(stageDuration), "--stage-duration must be > 0, got " + stageDuration);
        require(duration == null || positive(duration), "--duration must be > 0, got " + duration);
        require(requests >= 0, "--requests must be >= 0, got " + requests);
        require(requestsPerStage >= 0, "--requests-per-stage must be >= 0, got " + requestsPerStage);
        require(timeout != null && positive(timeout), "--timeout must be > 0, got " + timeout);
        require(workload != null, "--workload is required");
        metricsUrls = List.copyOf(metricsUrls == null ? List.of() : metricsUrls);
        moreUrls = List.copyOf(moreUrls == null ? List.of() : moreUrls);
        for (URI u : moreUrls) {
            Origin.of(u);
            require(u.getRawQuery() == null && u.getRawFragment() == null && samePath(u, url),
                    "--url: every target must be a base URL with the same path as the first (" + url + "), got " + u);
        }
        for (URI m : metricsUrls) {
            try {
                Origin.of(m);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--metrics-url: " + e.getMessage());
            }
        }
        boolean selfBounded = stages.size() == 1 && (requests > 0 || duration != null || workload.totalRequests() >= 0);
        if (stageDuration == null && requestsPerStage == 0 && !selfBounded) {
            stageDuration = DEFAULT_STAGE_DURATION;
        }
    }

    private static boolean samePath(URI a, URI b) {
        return trimmed(a.getRawPath()).equals(trimmed(b.getRawPath()));
    }

    private static String trimmed(String path) {
        String p = path == null ? "" : path;
        return p.endsWith("/") ? trimmed(p.substring(0, p.length() - 1)) : p;
    }

    /** Every target, the first one first. */
    public List<URI> urls() {
        List<URI> all = new ArrayList<>(1 + moreUrls.size());
        all.add(url);
        all.addAll(moreUrls);
        return all;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** For logs and errors: the API key is never shown. */
    @Override
    public String toString() {
        return "BenchConfig[url=" + url + (moreUrls.isEmpty() ? "" : ", moreUrls=" + moreUrls) + ", api=" + api.label() + ", model=" + model + ", apiKey="
                + (apiKey == null ? "none" : "***") + ", headers=" + headers.keySet() + ", stages="
                + stages.stream().map(LoadStage::label).toList() + ", stageDuration=" + stageDuration + ", duration="
                + duration + ", requests=" + requests + ", requestsPerStage=" + requestsPerStage + ", timeout=" + timeout
                + ", stream=" + stream + ", workload=" + workload.name() + " (" + workload.describe() + "), seed=" + seed
                + ", json=" + json + ", metricsUrls=" + metricsUrls + "]";
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    private static boolean positive(Duration d) {
        return !d.isNegative() && !d.isZero();
    }

    private static boolean noLineBreak(String s) {
        return s.indexOf('\n') < 0 && s.indexOf('\r') < 0;
    }

    /** An RFC 9110 token: what a header name may be. */
    private static boolean isToken(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Builds a {@link BenchConfig}; unset values take the documented defaults. */
    public static final class Builder {
        private URI url;
        private Api api = Api.CHAT;
        private String model;
        private String apiKey;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private final List<LoadStage> stages = new ArrayList<>();
        private Duration stageDuration;
        private Duration duration;
        private long requests;
        private long requestsPerStage;
        private Duration timeout = DEFAULT_TIMEOUT;
        private boolean stream = true;
        private WorkloadSpec workload = RandomSpec.DEFAULTS;
        private long seed;
        private boolean json;
        private final List<URI> metricsUrls = new ArrayList<>();
        private final List<URI> moreUrls = new ArrayList<>();

        private Builder() {}

        public Builder url(String value) {
            try {
                return url(URI.create(value.strip()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--url '" + value + "' is not a URL: " + e.getMessage());
            }
        }

        public Builder url(URI value) {
            url = value;
            return this;
        }

        /** The first call sets the target; each further one adds a target requests are spread over, round-robin. */
        public Builder addUrl(String value) {
            if (url == null) {
                return url(value);
            }
            try {
                moreUrls.add(URI.create(value.strip()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--url '" + value + "' is not a URL: " + e.getMessage());
            }
            return this;
        }

        public Builder api(Api value) {
            api = value;
            return this;
        }

        public Builder model(String value) {
            model = value;
            return this;
        }

        public Builder apiKey(String value) {
            apiKey = value;
            return this;
        }

        public Builder header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        /** Adds open-loop stages, one per rate, in order. */
        public Builder rates(double... requestsPerSecond) {
            for (double r : requestsPerSecond) {
                stages.add(LoadStage.open(r));
            }
            return this;
        }

        /** Adds closed-loop stages, one per concurrency, in order. */
        public Builder concurrency(int... inFlight) {
            for (int c : inFlight) {
                stages.add(LoadStage.closed(c));
            }
            return this;
        }

        public Builder stage(LoadStage value) {
            stages.add(value);
            return this;
        }

        public Builder stageDuration(Duration value) {
            stageDuration = value;
            return this;
        }

        public Builder duration(Duration value) {
            duration = value;
            return this;
        }

        public Builder requests(long value) {
            requests = value;
            return this;
        }

        public Builder requestsPerStage(long value) {
            requestsPerStage = value;
            return this;
        }

        public Builder timeout(Duration value) {
            timeout = value;
            return this;
        }

        public Builder stream(boolean value) {
            stream = value;
            return this;
        }

        public Builder workload(WorkloadSpec value) {
            workload = value;
            return this;
        }

        public Builder seed(long value) {
            seed = value;
            return this;
        }

        public Builder json(boolean value) {
            json = value;
            return this;
        }

        public Builder metricsUrl(String value) {
            try {
                metricsUrls.add(URI.create(value.strip()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--metrics-url '" + value + "' is not a URL: " + e.getMessage());
            }
            return this;
        }

        /** Validates and builds; with no stage given, one closed-loop stage of {@link #DEFAULT_CONCURRENCY}. */
        public BenchConfig build() {
            List<LoadStage> s = stages.isEmpty() ? List.of(LoadStage.closed(DEFAULT_CONCURRENCY)) : stages;
            return new BenchConfig(url, api, model, apiKey, headers, s, stageDuration, duration, requests,
                    requestsPerStage, timeout, stream, workload, seed, json, metricsUrls, moreUrls);
        }
    }
}
