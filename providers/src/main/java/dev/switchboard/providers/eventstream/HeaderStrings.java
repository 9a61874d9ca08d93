package dev.switchboard.providers.eventstream;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Header values as Strings without a String per frame: a stream repeats a handful of values ({@code event},
 * {@code contentBlockDelta}…), so the last few seen are kept with their bytes and a frame whose value matches one
 * gets the same String back. Not thread-safe.
 */
final class HeaderStrings {
    /** Distinct values remembered; ConverseStream has six event types, a few more exception types. */
    private static final int SLOTS = 16;

    private final byte[][] bytes = new byte[SLOTS][];
    private final String[] strings = new String[SLOTS];
    private int next;

    String of(byte[] b, int off, int len) {
        for (int i = 0; i < SLOTS && bytes[i] != null; i++) {
            if (Arrays.equals(bytes[i], 0, bytes[i].length, b, off, off + len)) {
                return strings[i];
            }
        }
        int slot = next;
        next = (next + 1) % SLOTS; // past SLOTS distinct values, the oldest is replaced
        bytes[slot] = Arrays.copyOfRange(b, off, off + len);
        strings[slot] = new String(bytes[slot], StandardCharsets.UTF_8);
        return strings[slot];
    }
}
