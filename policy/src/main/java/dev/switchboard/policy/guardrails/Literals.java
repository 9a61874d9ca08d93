package dev.switchboard.policy.guardrails;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which of a fixed set of strings occur in a text, found in one pass over it (an Aho-Corasick automaton), ASCII
 * letters compared without case. It is what makes the regex rules cheap: RE2/J's NFA costs some hundred
 * nanoseconds per character for an alternation of phrases, whereas a text without a rule's {@link Gate literals}
 * cannot match it and is never given to the regex. Case is folded as RE2's {@code (?i)} folds ASCII letters: with
 * their capitals, and the Kelvin sign and long s taken for k and s.
 *
 * <p>Immutable and thread-safe; a scan allocates only its result.
 */
final class Literals {
    /*
     * The automaton is a full DFA over a compressed alphabet: every character that occurs in a literal (lower-cased)
     * has a class from 1; every other character is class 0, on which every state goes back to the root (no literal
     * contains it). States x classes ints: some hundred literals of ten characters make ~1,000 states x ~45 classes,
     * under 200 KB, built once per rule set when the config loads.
     */
    private final Map<String, Integer> ids;
    private final char[] classOf = new char[128];
    private final Map<Character, Integer> wideClasses = new java.util.HashMap<>();
    private final int classes;
    private final int[] next;
    /** Per state, the literals that end there (its own and its failure chain's), or null. */
    private final int[][] out;

    private Literals(List<String> literals) {
        this.ids = new LinkedHashMap<>();
        for (String l : literals) {
            if (l.isEmpty()) {
                throw new IllegalArgumentException("a literal cannot be empty");
            }
            ids.putIfAbsent(l.toLowerCase(Locale.ROOT), ids.size());
        }
        int c = 1;
        for (String l : ids.keySet()) {
            for (int i = 0; i < l.length(); i++) {
                char ch = l.charAt(i);
                if (ch < 128 ? classOf[ch] == 0 : !wideClasses.containsKey(ch)) {
                    if (ch < 128) {
                        classOf[ch] = (char) c;
                    } else {
                        wideClasses.put(ch, c);
                    }
                    c++;
                }
            }
        }
        for (char u = 'A'; u <= 'Z'; u++) {
            classOf[u] = classOf[Character.toLowerCase(u)];
        }
        this.classes = c;
        // trie
        List<int[]> trie = new ArrayList<>();
        List<List<Integer>> ends = new ArrayList<>();
        trie.add(new int[classes]);
        ends.add(new ArrayList<>());
        for (var e : ids.entrySet()) {
            int s = 0;
            String l = e.getKey();
            for (int i = 0; i < l.length(); i++) {
                int k = classOf(l.charAt(i));
                if (trie.get(s)[k] == 0) {
                    trie.get(s)[k] = trie.size();
                    trie.add(new int[classes]);
                    ends.add(new ArrayList<>());
                }
                s = trie.get(s)[k];
            }
            ends.get(s).add(e.getValue());
        }
        // breadth first: failure links folded into the transitions, outputs merged along them
        int n = trie.size();
        int[] fail = new int[n];
        this.next = new int[n * classes];
        this.out = new int[n][];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int k = 1; k < classes; k++) {
            int t = trie.get(0)[k];
            next[k] = t;
            if (t != 0) {
                queue.add(t);
            }
        }
        out[0] = null;
        while (!queue.isEmpty()) {
            int s = queue.poll();
            List<Integer> merged = new ArrayList<>(ends.get(s));
            if (out[fail[s]] != null) {
                for (int id : out[fail[s]]) {
                    merged.add(id);
                }
            }
            out[s] = merged.isEmpty() ? null : merged.stream().mapToInt(Integer::intValue).toArray();
            for (int k = 1; k < classes; k++) {
                int t = trie.get(s)[k];
                if (t != 0) {
                    fail[t] = next[fail[s] * classes + k];
                    next[s * classes + k] = t;
                    queue.add(t);
                } else {
                    next[s * classes + k] = next[fail[s] * classes + k];
                }
            }
        }
    }

    static Literals of(List<String> literals) {
        return new Literals(literals);
    }

    /** The id of {@code literal} in this set, for {@link Found#has(int)}. */
    int id(String literal) {
        Integer id = ids.get(literal.toLowerCase(Locale.ROOT));
        if (id == null) {
            throw new IllegalArgumentException("not in this set: " + literal);
        }
        return id;
    }

    int size() {
        return ids.size();
    }

    /** The literals that occur in {@code text}. */
    Found scan(CharSequence text) {
        long[] bits = new long[(ids.size() + 63) >>> 6];
        int s = 0;
        for (int i = 0, len = text.length(); i < len; i++) {
            int k = classOf(text.charAt(i));
            s = k == 0 ? 0 : next[s * classes + k];
            int[] o = out[s];
            if (o != null) {
                for (int id : o) {
                    bits[id >>> 6] |= 1L << id;
                }
            }
        }
        return new Found(bits);
    }

    private int classOf(char ch) {
        if (ch < 128) {
            return classOf[ch];
        }
        if (ch == '\u212A' || ch == '\u017F') { // Kelvin sign and long s: RE2's (?i) takes them for k and s
            return classOf[ch == '\u212A' ? 'k' : 's'];
        }
        Integer k = wideClasses.get(ch);
        return k == null ? 0 : k;
    }

    /** The literals found in one text. */
    static final class Found {
        private final long[] bits;

        private Found(long[] bits) {
            this.bits = bits;
        }

        boolean has(int id) {
            return (bits[id >>> 6] & 1L << id) != 0;
        }

        @Override
        public String toString() {
            return Arrays.toString(bits);
        }
    }
}
