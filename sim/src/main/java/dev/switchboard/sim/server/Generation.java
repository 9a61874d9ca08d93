package dev.switchboard.sim.server;

import dev.switchboard.sim.engine.GenerationRequest;

/**
 * A read request, ready for the engine: what {@link SimRequestHandler#launch} needs from any API.
 *
 * @param request      what the engine generates
 * @param stream       whether the answer streams (an injected reset then cuts it partway instead of at once)
 * @param outputTokens tokens the engine will generate
 * @param writer       what the tokens become on the wire
 */
record Generation(GenerationRequest request, boolean stream, int outputTokens, ResponseWriter writer) {}
