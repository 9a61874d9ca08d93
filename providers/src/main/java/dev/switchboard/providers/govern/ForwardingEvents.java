package dev.switchboard.providers.govern;

import dev.switchboard.providers.chat.ChatError;
import dev.switchboard.providers.chat.ChatEvents;
import dev.switchboard.providers.chat.FinishReason;
import dev.switchboard.providers.chat.Usage;

/**
 * Events passed on to {@code next} unchanged: the base of a {@link ResponseHook}'s events, which overrides only what
 * it watches or changes (and so forwards the usage, as a hook must).
 */
public class ForwardingEvents implements ChatEvents {
    protected final ChatEvents next;

    public ForwardingEvents(ChatEvents next) {
        this.next = next;
    }

    @Override
    public void start(String id, String model) {
        next.start(id, model);
    }

    @Override
    public void text(CharSequence delta) {
        next.text(delta);
    }

    @Override
    public void thinking(CharSequence delta) {
        next.thinking(delta);
    }

    @Override
    public void thinkingSignature(String signature) {
        next.thinkingSignature(signature);
    }

    @Override
    public void redactedThinking(String data) {
        next.redactedThinking(data);
    }

    @Override
    public void toolCall(int index, String id, String name) {
        next.toolCall(index, id, name);
    }

    @Override
    public void toolArguments(int index, CharSequence delta) {
        next.toolArguments(index, delta);
    }

    @Override
    public void usage(Usage usage) {
        next.usage(usage);
    }

    @Override
    public void finish(FinishReason reason, String stopSequence) {
        next.finish(reason, stopSequence);
    }

    @Override
    public void end() {
        next.end();
    }

    @Override
    public void error(ChatError error) {
        next.error(error);
    }
}
