package dev.switchboard.policy.guardrails;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The text of a request as guardrails see it: labelled plain-text segments (the system prompt, each user turn, each
 * tool result), extracted by the gateway from whichever API shape the client used. Guardrails never see JSON.
 *
 * @param segments in request order
 */
public record PromptText(List<Segment> segments) {
    public PromptText {
        segments = List.copyOf(segments);
    }

    public static PromptText of(Segment... segments) {
        return new PromptText(List.of(segments));
    }

    /** A prompt of a single user turn. */
    public static PromptText user(String text) {
        return of(new Segment(Role.USER, text));
    }

    /** This prompt with {@code edit} applied to the text of every segment whose role {@code roles} contains. */
    public PromptText map(java.util.Set<Role> roles, UnaryOperator<String> edit) {
        List<Segment> out = new ArrayList<>(segments.size());
        for (Segment s : segments) {
            out.add(roles.contains(s.role()) ? new Segment(s.role(), edit.apply(s.text())) : s);
        }
        return new PromptText(out);
    }

    /** One piece of a prompt. {@code toString()} gives the role and length only: prompt text stays out of logs. */
    public record Segment(Role role, String text) {
        @Override
        public String toString() {
            return "Segment[" + role + ", " + text.length() + " chars]";
        }
    }

    /** Who wrote a segment. Tool results are the classic indirect-injection channel, so they have their own role. */
    public enum Role { SYSTEM, USER, ASSISTANT, TOOL }
}
