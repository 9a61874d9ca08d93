/**
 * The load generator's HTTP/1.1 client: keep-alive pools on one event loop, streamed responses, incremental SSE
 * decoding and the per-request measurement of OpenAI-compatible responses. Nothing here is null unless documented.
 */
package dev.switchboard.bench.client;
