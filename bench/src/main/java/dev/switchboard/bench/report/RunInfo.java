package dev.switchboard.bench.report;

import java.time.Instant;

/**
 * What a run targeted and how, for the report's header.
 *
 * @param url               the target's base URL
 * @param api               {@code chat} or {@code completions}
 * @param model             the model requests named (a mix may override it per request)
 * @param stream            whether responses were streamed
 * @param workload          the workload's name
 * @param workloadParams    its parameters in a few words
 * @param seed              the run's seed
 * @param startedAt         wall-clock start
 * @param connectionsOpened connections the client opened during the run
 */
public record RunInfo(String url, String api, String model, boolean stream, String workload, String workloadParams,
        long seed, Instant startedAt, long connectionsOpened) {}
