package dev.switchboard.picker.pool;

/**
 * What replicas of one gateway (several {@code switchboard run} or {@code extproc} processes in front of the same
 * InferencePools) tell each other so that each picks as if it had sent every replica's requests: the prefix blocks
 * each sent to which endpoint, and each one's requests in flight per endpoint. The picker only states the hooks;
 * an implementation (Redis pub/sub in the {@code redis} module) carries the messages.
 *
 * <p>Contract: {@link #blocksSent} is called on the request path (an event loop) and must neither block nor fail; an
 * implementation queues, and drops what does not fit. What peers said reaches the pools through
 * {@link InferencePool#learnBlocks} and {@link InferencePool#remoteLoad}; the implementation reads this replica's
 * own counts with {@link InferencePool#localLoad}. When the peers cannot be reached, the pools carry on with what
 * this replica knows alone.
 */
public interface SharedPoolState extends AutoCloseable {
    /** No sharing: every replica knows only what it sent. */
    SharedPoolState NONE = new SharedPoolState() {
        @Override
        public void start(InferencePools pools) {}

        @Override
        public void blocksSent(String pool, String learner, String endpoint, long[] hashes) {}

        @Override
        public Stats stats() {
            return null;
        }

        @Override
        public void close() {}
    };

    /**
     * Counters for the metrics page.
     *
     * @param connected        whether the peers can be reached now
     * @param peers            replicas heard from recently (their load counts)
     * @param published        messages sent
     * @param received         peers' messages applied
     * @param recordsApplied   peers' pick records entered into this replica's prefix indexes
     * @param droppedRecords   pick records not sent because the queue was full
     * @param droppedMessages  messages not sent (disconnected, or too many unanswered) or received unreadable
     * @param lagSeconds       how old the latest peer message was when applied (sender's clock to ours)
     */
    record Stats(boolean connected, int peers, long published, long received, long recordsApplied, long droppedRecords,
            long droppedMessages, double lagSeconds) {}

    /** Starts sharing the state of {@code pools} (the pools made with this in their environment). Called once. */
    void start(InferencePools pools);

    /**
     * This replica recorded, after a pick, that {@code endpoint} of {@code pool} now holds the prompt blocks
     * {@code hashes} (chained hashes, as the prefix index keeps them); {@code learner} names the plugin instance
     * that recorded them. Never blocks; the array is not changed afterwards by the caller.
     */
    void blocksSent(String pool, String learner, String endpoint, long[] hashes);

    /** The counters now, or null when nothing is shared. */
    Stats stats();

    @Override
    void close();
}
