/**
 * The load generator's measurements: per-stage recorders (HdrHistogram, microseconds), reports and their table and
 * JSON forms, and the vLLM prefix-cache counters read from {@code /metrics}. Nothing here is null unless documented.
 */
package dev.switchboard.bench.report;
