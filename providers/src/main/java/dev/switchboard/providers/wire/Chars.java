package dev.switchboard.providers.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;

/**
 * A reusable view of characters (a parser's text buffer), so that a decoder can hand a stream's text delta to the
 * next step without making a String of it. Valid until the decoder's next step.
 */
public final class Chars implements CharSequence {
    private char[] array = new char[0];
    private int offset;
    private int length;

    /** Points this view at the parser's current string token (no copy). */
    public Chars of(JsonParser p) throws IOException {
        array = p.getTextCharacters();
        offset = p.getTextOffset();
        length = p.getTextLength();
        return this;
    }

    public Chars of(char[] a, int off, int len) {
        array = a;
        offset = off;
        length = len;
        return this;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public char charAt(int index) {
        return array[offset + index];
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return toString().substring(start, end);
    }

    @Override
    public String toString() {
        return new String(array, offset, length);
    }

    /** Writes {@code s} as a JSON string: without a copy when it is a view. */
    public static void writeString(JsonGenerator g, CharSequence s) throws IOException {
        if (s instanceof Chars c) {
            g.writeString(c.array, c.offset, c.length);
        } else {
            g.writeString(s.toString());
        }
    }
}
