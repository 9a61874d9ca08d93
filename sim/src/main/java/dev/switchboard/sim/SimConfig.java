package dev.switchboard.sim;

import dev.switchboard.sim.engine.EngineConfig;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * How {@code switchboard sim} runs: {@code endpoints} model servers on consecutive ports from {@code port}.
 *
 * @param host              address to bind
 * @param port              first port; 0 = any free ports
 * @param endpoints         number of model servers
 * @param model             served model name
 * @param adapters          LoRA adapters loaded at start
 * @param engine            engine sizing and latency model, the same for every endpoint
 * @param failureRate       share of requests that fail on purpose, 0..1
 * @param failureTypes      which failures: 429, 500, 503, reset, slow
 * @param slowFirstTokenMillis delay of an injected slow first token (wall clock)
 * @param meanOutputTokens  mean output length when a request does not set ignore_eos
 * @param embeddingDims     length of returned embedding vectors
 * @param maxBodyBytes      largest request body accepted (413 above)
 * @param apis              the provider personalities every endpoint serves
 */
public record SimConfig(
        String host, int port, int endpoints, String model, List<String> adapters, EngineConfig engine,
        double failureRate, List<String> failureTypes, long slowFirstTokenMillis, int meanOutputTokens,
        int embeddingDims, int maxBodyBytes, Set<SimApi> apis) {

    public static final String DEFAULT_MODEL = "sim-llama-3.1-8b";

    public static SimConfig defaults() {
        return new SimConfig("127.0.0.1", 8000, 1, DEFAULT_MODEL, List.of(), EngineConfig.defaults(), 0, List.of(),
                2000, 128, 384, 64 << 20, EnumSet.allOf(SimApi.class));
    }

    public SimConfig {
        adapters = List.copyOf(adapters);
        failureTypes = List.copyOf(failureTypes);
        if (apis == null || apis.isEmpty()) {
            throw new IllegalArgumentException("an endpoint must serve at least one API");
        }
        apis = Set.copyOf(apis);
        if (endpoints < 1 || endpoints > 1024) {
            throw new IllegalArgumentException("endpoints must be in [1, 1024], got " + endpoints);
        }
        if (port < 0 || port + endpoints - 1 > 65535) {
            throw new IllegalArgumentException("ports " + port + ".." + (port + endpoints - 1) + " are out of range");
        }
        if (meanOutputTokens < 1 || embeddingDims < 1 || maxBodyBytes < 1024) {
            throw new IllegalArgumentException("mean output tokens and embedding dims must be >= 1, max body >= 1024");
        }
    }

    /** The same, bound to {@code address} (another loopback address stands for another Pod in tests). */
    public SimConfig withHost(String address) {
        return new SimConfig(address, port, endpoints, model, adapters, engine, failureRate, failureTypes,
                slowFirstTokenMillis, meanOutputTokens, embeddingDims, maxBodyBytes, apis);
    }

    public SimConfig withEngine(EngineConfig e) {
        return new SimConfig(host, port, endpoints, model, adapters, e, failureRate, failureTypes, slowFirstTokenMillis,
                meanOutputTokens, embeddingDims, maxBodyBytes, apis);
    }

    public SimConfig withEndpoints(int firstPort, int count) {
        return new SimConfig(host, firstPort, count, model, adapters, engine, failureRate, failureTypes,
                slowFirstTokenMillis, meanOutputTokens, embeddingDims, maxBodyBytes, apis);
    }

    public SimConfig withModel(String name, List<String> loras) {
        return new SimConfig(host, port, endpoints, name, loras, engine, failureRate, failureTypes, slowFirstTokenMillis,
                meanOutputTokens, embeddingDims, maxBodyBytes, apis);
    }

    public SimConfig withFailures(double rate, List<String> types, long slowMillis) {
        return new SimConfig(host, port, endpoints, model, adapters, engine, rate, types, slowMillis, meanOutputTokens,
                embeddingDims, maxBodyBytes, apis);
    }

    public SimConfig withMaxBodyBytes(int bytes) {
        return new SimConfig(host, port, endpoints, model, adapters, engine, failureRate, failureTypes,
                slowFirstTokenMillis, meanOutputTokens, embeddingDims, bytes, apis);
    }

    public SimConfig withApis(Set<SimApi> served) {
        return new SimConfig(host, port, endpoints, model, adapters, engine, failureRate, failureTypes,
                slowFirstTokenMillis, meanOutputTokens, embeddingDims, maxBodyBytes, served);
    }
}
