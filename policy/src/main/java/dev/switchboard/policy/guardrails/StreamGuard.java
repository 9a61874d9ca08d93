package dev.switchboard.policy.guardrails;

/**
 * The response side of a chain, for one response: fed the text deltas as they pass, it returns what may go to the
 * client now. One instance per response, used from one thread at a time (the response's event loop).
 *
 * <p>A non-streamed response goes through the same guard: {@code offer(wholeText)} then {@code finish()}.
 *
 * <p>After a {@link Release#blocked() blocked} release every later call returns the same block: the gateway ends the
 * stream with an error event in the caller's API shape and sends nothing more of the text.
 */
public interface StreamGuard {
    /** Takes the next delta; returns the text that may be sent now (possibly empty, possibly redacted). */
    Release offer(CharSequence delta);

    /** The response ended: returns everything still held back, checked and redacted. */
    Release finish();

    /**
     * What may go to the client.
     *
     * @param text    the text to send now ("" when everything is held, or on a block)
     * @param verdict the most severe verdict so far for this response (ALLOW, LOG, REDACT or BLOCK)
     */
    record Release(String text, Verdict verdict) {
        public boolean blocked() {
            return verdict.blocked();
        }

        @Override
        public String toString() {
            return "Release[" + text.length() + " chars, " + verdict.action() + " " + verdict.ruleId() + "]";
        }
    }

    /** A guard that holds nothing back and never objects (a chain with no response rules). */
    static StreamGuard passThrough() {
        return new StreamGuard() {
            @Override
            public Release offer(CharSequence delta) {
                return new Release(delta.toString(), Verdict.ALLOW);
            }

            @Override
            public Release finish() {
                return new Release("", Verdict.ALLOW);
            }
        };
    }
}
