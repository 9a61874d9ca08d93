package dev.switchboard.sim.server;

import dev.switchboard.providers.chat.ChatError;
import dev.switchboard.providers.chat.ChatEvents;
import dev.switchboard.providers.chat.FinishReason;
import dev.switchboard.providers.chat.Usage;
import java.util.ArrayList;
import java.util.List;

/** What a providers decoder read back from a simulator answer. */
final class EventLog implements ChatEvents {
    final StringBuilder text = new StringBuilder();
    final List<String> toolCalls = new ArrayList<>();
    final StringBuilder toolArguments = new StringBuilder();
    int textDeltas;
    boolean started;
    boolean ended;
    Usage usage = Usage.UNKNOWN;
    FinishReason finish;
    ChatError error;

    @Override public void start(String id, String model) { started = true; }
    @Override public void text(CharSequence delta) { text.append(delta); textDeltas++; }
    @Override public void thinking(CharSequence delta) { }
    @Override public void thinkingSignature(String signature) { }
    @Override public void redactedThinking(String data) { }
    @Override public void toolCall(int index, String id, String name) { toolCalls.add(index + ":" + name + ":" + (id != null)); }
    @Override public void toolArguments(int index, CharSequence delta) { toolArguments.append(delta); }
    @Override public void usage(Usage u) { usage = usage.merge(u); }
    @Override public void finish(FinishReason reason, String stopSequence) { finish = reason; }
    @Override public void end() { ended = true; }
    @Override public void error(ChatError e) { error = e; }
}
