package dev.switchboard.providers;

import dev.switchboard.providers.chat.ChatError;
import dev.switchboard.providers.chat.ChatEvents;
import dev.switchboard.providers.chat.FinishReason;
import dev.switchboard.providers.chat.Usage;

/**
 * The events of a response whose bytes go to the client as they are: only the usage is kept (merged as it comes).
 * An error is dropped unless a subclass says otherwise.
 */
class UsageOnlyEvents implements ChatEvents {
    private Usage usage = Usage.UNKNOWN;

    /** What the response reported so far. */
    final Usage usage() {
        return usage;
    }

    @Override
    public final void usage(Usage u) {
        usage = usage.merge(u);
    }

    @Override
    public void start(String id, String model) {}

    @Override
    public void text(CharSequence delta) {}

    @Override
    public void thinking(CharSequence delta) {}

    @Override
    public void thinkingSignature(String signature) {}

    @Override
    public void redactedThinking(String data) {}

    @Override
    public void toolCall(int index, String id, String name) {}

    @Override
    public void toolArguments(int index, CharSequence delta) {}

    @Override
    public void finish(FinishReason reason, String stopSequence) {}

    @Override
    public void end() {}

    @Override
    public void error(ChatError error) {}
}
