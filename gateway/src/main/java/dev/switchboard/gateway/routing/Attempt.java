package dev.switchboard.gateway.routing;

import dev.switchboard.core.config.BackendRef;
import dev.switchboard.core.config.Upstream;

/** Where one attempt goes: a backend (with its ref's settings) at one of its addresses. */
public record Attempt(BackendRef ref, Upstream upstream) {
}
