/**
 * The governance steps of one request, in order, for whichever front end carries it: {@link
 * dev.switchboard.policy.governance.RequestGovernance} runs the route's guardrails and the caller's limits on the
 * client's body before it is sent, and guards, counts and settles the answer as it passes. The gateway and the Envoy
 * external processor both use it, so the two govern a request identically.
 */
package dev.switchboard.policy.governance;
