/**
 * What the load generator sends and how: workloads (shared-prefix, random, lora-mix, multi-turn) that make
 * deterministic prompts of exact token lengths, and load stages (open-loop rates, closed-loop concurrency).
 * Nothing here is null unless documented.
 */
package dev.switchboard.bench.scenario;
