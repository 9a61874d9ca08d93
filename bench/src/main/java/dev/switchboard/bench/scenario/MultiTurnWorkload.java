package dev.switchboard.bench.scenario;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Runs a {@link MultiTurnSpec}. Conversations wait in a ready queue; a conversation leaves it while its turn is in
 * flight and rejoins at the back when the turn ends, with the question and reply appended to its history. A failed
 * turn still counts as a turn but leaves the history as it was, so the next question follows the last good reply.
 */
final class MultiTurnWorkload implements Workload {
    /** Seed stream of the system prompts. */
    private static final long SYSTEM_STREAM = 3;
    /** Seed stream of the questions. */
    private static final long QUESTION_STREAM = 4;

    private final MultiTurnSpec spec;
    private final long seed;
    private final String model;
    private final SplittableRandom random;
    private final List<List<ChatMessage>> histories = new ArrayList<>();
    private final int[] turnsStarted;
    private final ArrayDeque<Integer> ready = new ArrayDeque<>();
    private int finished;

    MultiTurnWorkload(MultiTurnSpec spec, long seed, String model) {
        this.spec = spec;
        this.seed = seed;
        this.model = model;
        this.random = new SplittableRandom(seed);
        this.turnsStarted = new int[spec.conversations()];
        for (int c = 0; c < spec.conversations(); c++) {
            List<ChatMessage> history = new ArrayList<>();
            if (spec.systemTokens() > 0) {
                history.add(ChatMessage.system(PromptText.words(PromptText.seed(seed, SYSTEM_STREAM, c), spec.systemTokens())));
            }
            histories.add(history);
            ready.add(c);
        }
    }

    @Override
    public RequestSpec next() {
        Integer c = ready.poll();
        if (c == null) {
            return null;
        }
        int turn = turnsStarted[c]++;
        String question = PromptText.words(PromptText.seed(seed, QUESTION_STREAM, (long) c * spec.turns() + turn),
                spec.questionTokens());
        List<ChatMessage> messages = new ArrayList<>(histories.get(c));
        messages.add(ChatMessage.user(question));
        return new RequestSpec(model, messages, spec.outputTokens().draw(random), c);
    }

    @Override
    public void completed(RequestSpec request, String reply) {
        int c = request.conversation();
        if (c < 0 || c >= histories.size()) {
            return;
        }
        if (reply != null) {
            List<ChatMessage> history = histories.get(c);
            history.add(request.messages().getLast());
            history.add(ChatMessage.assistant(reply));
        }
        if (turnsStarted[c] < spec.turns()) {
            ready.add(c);
        } else {
            finished++;
        }
    }

    @Override
    public boolean exhausted() {
        return finished == spec.conversations();
    }
}
