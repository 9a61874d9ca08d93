/**
 * Precise prefix state: which KV blocks each model server really holds, from the KV-cache events it publishes
 * (vLLM's ZMQ stream), and the prompt's blocks in the same tokens, so a scorer can tell a cached prefix from an
 * evicted one.
 */
package dev.switchboard.picker.kvevents;
