/**
 * What a request costs: per-model prices ({@link dev.switchboard.policy.usage.PriceTable}) turning token counts into
 * exact micro-dollars, read from a {@code PriceTable} config document. Non-null by default.
 */
package dev.switchboard.policy.usage;
