/**
 * {@code switchboard bench}, an LLM load generator: {@link dev.switchboard.bench.BenchConfig} describes a run,
 * {@link dev.switchboard.bench.Bench#run} performs it. Nothing here is null unless documented.
 */
package dev.switchboard.bench;
