/**
 * Governance, as plain values: who calls ({@link dev.switchboard.policy.Principal}, {@code auth}), what it may spend
 * ({@link dev.switchboard.policy.Quota}, {@code limits}) and what it may say and hear ({@code guardrails}). No I/O
 * framework (the build's enforcer bans Netty and gRPC here): the gateway and the Envoy processor call these steps;
 * anything remote (Redis, a guardrail service, a JWKS URL) sits behind an interface whose decisions are
 * {@code CompletionStage}s or cached values, so no step blocks an event loop.
 */
package dev.switchboard.policy;
