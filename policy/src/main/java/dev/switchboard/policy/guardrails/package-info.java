/**
 * Guardrails: a chain per route on requests and responses. {@link dev.switchboard.policy.guardrails.Guardrail} is
 * the step role; {@link dev.switchboard.policy.guardrails.GuardrailChain} runs a route's steps in order;
 * {@link dev.switchboard.policy.guardrails.StreamGuard} checks a streamed response holding back at most a window.
 * Built-in steps (injection rules, PII, user patterns) complete immediately; callouts to external services are
 * asynchronous with a timeout. Verdict messages and audit lines never carry prompt text unless configured.
 * Everything here is non-null unless documented otherwise.
 */
package dev.switchboard.policy.guardrails;
