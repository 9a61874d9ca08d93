package dev.switchboard.providers.chat;

import java.util.ArrayList;
import java.util.List;

/**
 * Records the events a decoder produced, one line each ({@code text:Hello}, {@code tool:0:call_1:get_weather},
 * {@code args:0:{"city"}, {@code usage:10/5/-1/-1/-1}, {@code finish:TOOL_USE:null}, {@code end}), so a test can
 * assert the exact sequence; and replays a recorded sequence into an encoder.
 */
public final class RecordedEvents implements ChatEvents {
    private final List<String> lines = new ArrayList<>();

    public List<String> lines() {
        return lines;
    }

    /** Adjacent text, thinking and argument deltas joined, so a test does not depend on how a stream was split. */
    public List<String> joined() {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            int colon = l.indexOf(':');
            String kind = colon < 0 ? l : l.substring(0, colon);
            boolean delta = kind.equals("text") || kind.equals("thinking") || kind.equals("args");
            if (delta && !out.isEmpty()) {
                String prev = out.get(out.size() - 1);
                String prefix = kind.equals("args") ? l.substring(0, l.indexOf(':', colon + 1) + 1) : kind + ":";
                if (prev.startsWith(prefix)) {
                    out.set(out.size() - 1, prev + l.substring(prefix.length()));
                    continue;
                }
            }
            out.add(l);
        }
        return out;
    }

    @Override
    public void start(String id, String model) {
        lines.add("start:" + id + ":" + model);
    }

    @Override
    public void text(CharSequence delta) {
        lines.add("text:" + delta);
    }

    @Override
    public void thinking(CharSequence delta) {
        lines.add("thinking:" + delta);
    }

    @Override
    public void thinkingSignature(String signature) {
        lines.add("signature:" + signature);
    }

    @Override
    public void redactedThinking(String data) {
        lines.add("redacted:" + data);
    }

    @Override
    public void toolCall(int index, String id, String name) {
        lines.add("tool:" + index + ":" + id + ":" + name);
    }

    @Override
    public void toolArguments(int index, CharSequence delta) {
        lines.add("args:" + index + ":" + delta);
    }

    @Override
    public void usage(Usage u) {
        lines.add("usage:" + u.inputTokens() + "/" + u.outputTokens() + "/" + u.cachedInputTokens() + "/"
                + u.cacheCreationTokens() + "/" + u.reasoningTokens());
    }

    @Override
    public void finish(FinishReason reason, String stopSequence) {
        lines.add("finish:" + reason + ":" + stopSequence);
    }

    @Override
    public void end() {
        lines.add("end");
    }

    @Override
    public void error(ChatError error) {
        lines.add("error:" + error.status() + ":" + error.kind() + ":" + error.message());
    }
}
