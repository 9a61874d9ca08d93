package dev.switchboard.picker.datalayer;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * A parser for the Prometheus text exposition format that only materializes the samples it is asked for.
 */
public final class PrometheusText {
    /*
     * Problem: the data layer scrapes every endpoint's /metrics every 50 ms. A vLLM page is a few hundred lines,
     * mostly histogram buckets the picker never reads; parsing all of it into objects would cost more than the
     * scrape. Approach: walk the bytes once. Comment lines are skipped; a sample line's name is compared, as bytes,
     * with the wanted names; only a wanted sample gets its labels and value decoded (label values unescaped:
     * \\, \", \n). Everything else is skipped to the end of its line without allocating.
     * Format: name{label="value",...} value [timestamp]; values may be NaN, +Inf, -Inf. Malformed lines are skipped
     * (a model server's page is not ours to reject), and counted.
     * Cost: O(bytes); allocation only for wanted samples.
     */

    /** Receives each wanted sample; {@code labels} is valid only during the call. */
    @FunctionalInterface
    public interface SampleSink {
        void sample(String name, Labels labels, double value);
    }

    /** The labels of one sample, as parallel arrays; valid only during the sink call. */
    public static final class Labels {
        private final String[] names = new String[32];
        private final String[] values = new String[32];
        private int size;

        public int size() {
            return size;
        }

        /** The value of label {@code name}, or null. */
        public String get(String name) {
            for (int i = 0; i < size; i++) {
                if (names[i].equals(name)) {
                    return values[i];
                }
            }
            return null;
        }

        void clear() {
            size = 0;
        }

        boolean add(String name, String value) {
            if (size == names.length) {
                return false;
            }
            names[size] = name;
            values[size++] = value;
            return true;
        }
    }

    private final byte[][] wanted;
    private final String[] wantedNames;
    private final Labels labels = new Labels();
    private int malformed;

    /** A parser that reports only samples whose metric name is in {@code names}. */
    public PrometheusText(Set<String> names) {
        this.wantedNames = names.toArray(String[]::new);
        this.wanted = new byte[wantedNames.length][];
        for (int i = 0; i < wantedNames.length; i++) {
            wanted[i] = wantedNames[i].getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** Lines of the last {@link #parse} that were not valid samples. */
    public int malformed() {
        return malformed;
    }

    /** Parses {@code text[from, to)}, calling {@code sink} for every wanted sample. Not thread-safe. */
    public void parse(byte[] text, int from, int to, SampleSink sink) {
        malformed = 0;
        int i = from;
        while (i < to) {
            int end = lineEnd(text, i, to);
            if (end > i && text[i] != '#') {
                if (!line(text, i, end, sink)) {
                    malformed++;
                }
            }
            i = end + 1;
        }
    }

    private boolean line(byte[] t, int start, int end, SampleSink sink) {
        int nameEnd = start;
        while (nameEnd < end && t[nameEnd] != '{' && t[nameEnd] != ' ' && t[nameEnd] != '\t') {
            nameEnd++;
        }
        int which = wantedIndex(t, start, nameEnd);
        if (which < 0) {
            return nameEnd > start;
        }
        labels.clear();
        int i = nameEnd;
        if (i < end && t[i] == '{') {
            i = labels(t, i + 1, end);
            if (i < 0) {
                return false;
            }
        }
        while (i < end && (t[i] == ' ' || t[i] == '\t')) {
            i++;
        }
        int valueEnd = i;
        while (valueEnd < end && t[valueEnd] != ' ' && t[valueEnd] != '\t' && t[valueEnd] != '\r') {
            valueEnd++;
        }
        double value;
        try {
            value = number(new String(t, i, valueEnd - i, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return false;
        }
        sink.sample(wantedNames[which], labels, value);
        return true;
    }

    /** Parses {@code k="v",...}; returns the index after the closing brace, or -1. */
    private int labels(byte[] t, int i, int end) {
        StringBuilder sb = new StringBuilder();
        while (i < end) {
            while (i < end && (t[i] == ' ' || t[i] == ',')) {
                i++;
            }
            if (i < end && t[i] == '}') {
                return i + 1;
            }
            int nameStart = i;
            while (i < end && t[i] != '=') {
                i++;
            }
            if (i + 1 >= end || t[i + 1] != '"') {
                return -1;
            }
            String name = new String(t, nameStart, i - nameStart, StandardCharsets.US_ASCII).trim();
            i += 2;
            sb.setLength(0);
            int runStart = i;
            while (i < end && t[i] != '"') {
                if (t[i] == '\\' && i + 1 < end) {
                    sb.append(new String(t, runStart, i - runStart, StandardCharsets.UTF_8));
                    sb.append(t[i + 1] == 'n' ? '\n' : (char) t[i + 1]);
                    i += 2;
                    runStart = i;
                } else {
                    i++;
                }
            }
            if (i >= end) {
                return -1;
            }
            sb.append(new String(t, runStart, i - runStart, StandardCharsets.UTF_8));
            labels.add(name, sb.toString());
            i++; // closing quote
        }
        return -1;
    }

    private int wantedIndex(byte[] t, int start, int end) {
        int len = end - start;
        outer:
        for (int w = 0; w < wanted.length; w++) {
            byte[] name = wanted[w];
            if (name.length != len) {
                continue;
            }
            for (int k = 0; k < len; k++) {
                if (name[k] != t[start + k]) {
                    continue outer;
                }
            }
            return w;
        }
        return -1;
    }

    private static int lineEnd(byte[] t, int i, int to) {
        while (i < to && t[i] != '\n') {
            i++;
        }
        return i;
    }

    private static double number(String s) {
        return switch (s) {
            case "NaN" -> Double.NaN;
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }
}
