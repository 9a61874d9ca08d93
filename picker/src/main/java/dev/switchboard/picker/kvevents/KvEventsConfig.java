package dev.switchboard.picker.kvevents;

/**
 * Where a prefix-aware plugin receives KV-cache events (llm-d's {@code kvEventsConfig}).
 *
 * @param zmqEndpoint where the SUB socket binds ({@code tcp://*:5557}); servers' publishers connect to it
 * @param topicFilter the topic prefix subscribed to ({@code kv@})
 */
public record KvEventsConfig(String zmqEndpoint, String topicFilter) {
    public static final KvEventsConfig DEFAULTS = new KvEventsConfig("tcp://*:5557", "kv@");

    public KvEventsConfig {
        if (!zmqEndpoint.startsWith("tcp://") && !zmqEndpoint.startsWith("ipc://")) {
            throw new IllegalArgumentException("expected tcp://host:port or ipc://path, got '" + zmqEndpoint + "'");
        }
    }
}
