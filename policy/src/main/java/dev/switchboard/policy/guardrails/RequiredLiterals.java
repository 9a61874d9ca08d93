package dev.switchboard.policy.guardrails;

import java.util.ArrayList;
import java.util.List;

/**
 * The literal text every match of a user's RE2 pattern must contain, as a {@link Gate}: {@code (?i)project\s+bluebird}
 * needs "project" (or "bluebird"), {@code foo|ba+r} needs "foo" or "ba". Read conservatively: whatever this reader
 * does not understand for certain ({@code \Q}, octal escapes, a stray parenthesis) gives {@link Gate#ALWAYS}, so
 * the pattern always runs; it never gives a literal that a match could lack.
 */
final class RequiredLiterals {
    /** Shorter literals are found in most texts: not worth a gate. */
    static final int MIN_LENGTH = 3;

    private final String re;
    private int i;
    private final List<String> branches = new ArrayList<>();
    private StringBuilder run = new StringBuilder();
    private String best = "";

    private RequiredLiterals(String re) {
        this.re = re;
    }

    /** The gate of {@code regex} (which compiles), or {@link Gate#ALWAYS} when no literal is certain. */
    static Gate of(String regex) {
        try {
            return new RequiredLiterals(regex).read();
        } catch (Unsure e) {
            return Gate.ALWAYS;
        }
    }

    private Gate read() {
        while (i < re.length()) {
            char c = re.charAt(i);
            switch (c) {
                case '|' -> {
                    endBranch();
                    i++;
                }
                case '(' -> {
                    cut();
                    skipGroup();
                    skipQuantifier();
                }
                case '[' -> {
                    cut();
                    skipClass();
                    skipQuantifier();
                }
                case ')' -> throw new Unsure();
                case '.', '^', '$' -> {
                    cut();
                    i++;
                    skipQuantifier();
                }
                case '*', '+', '?' -> throw new Unsure(); // a quantifier without an atom: not for us to judge
                case '\\' -> escape();
                case '{' -> {
                    if (repetitionAt(i) > 0) {
                        throw new Unsure();
                    }
                    literal('{');
                }
                default -> literal(c);
            }
        }
        endBranch();
        if (branches.size() == 1) {
            return Gate.lit(branches.get(0));
        }
        return Gate.any(branches.toArray(String[]::new));
    }

    private void escape() {
        if (i + 1 >= re.length()) {
            throw new Unsure();
        }
        char e = re.charAt(i + 1);
        if (e < 128 && !Character.isLetterOrDigit(e)) {
            i++;
            literal(e); // an escaped punctuation mark is itself
            return;
        }
        cut();
        i += 2;
        switch (e) {
            case 'd', 'D', 's', 'S', 'w', 'W', 'n', 't', 'r', 'f', 'v', 'a' -> skipQuantifier();
            case 'b', 'B', 'A', 'z' -> { }
            case 'p', 'P' -> {
                if (i < re.length() && re.charAt(i) == '{') {
                    int close = re.indexOf('}', i);
                    if (close < 0) {
                        throw new Unsure();
                    }
                    i = close + 1;
                } else {
                    i++;
                }
                skipQuantifier();
            }
            default -> throw new Unsure(); // \Q, \x, octal, \C: not read here
        }
    }

    /** A literal character at {@code i}, and what a quantifier after it does to the run. */
    private void literal(char c) {
        i++;
        if (c >= 128) {
            cut(); // case folding of other scripts is not ours to mirror
            skipQuantifier();
            return;
        }
        run.append(c);
        if (i >= re.length()) {
            return;
        }
        char q = re.charAt(i);
        int rep = q == '{' ? repetitionAt(i) : 0;
        if (q == '*' || q == '?' || rep > 0 && re.charAt(i + 1) == '0') {
            run.setLength(run.length() - 1); // the character may be absent
            cut();
            skipQuantifier();
        } else if (q == '+' || rep > 0) {
            cut(); // present, but maybe repeated: what follows is not adjacent to it
            skipQuantifier();
        }
    }

    /** Skips a quantifier at {@code i}, if any, and a lazy mark after it. */
    private void skipQuantifier() {
        if (i >= re.length()) {
            return;
        }
        char q = re.charAt(i);
        if (q == '*' || q == '+' || q == '?') {
            i++;
        } else if (q == '{' && repetitionAt(i) > 0) {
            i += repetitionAt(i);
        } else {
            return;
        }
        if (i < re.length() && re.charAt(i) == '?') {
            i++;
        }
        cut();
    }

    /** The length of a repetition {@code {n}}, {@code {n,}} or {@code {n,m}} at {@code at}, else 0. */
    private int repetitionAt(int at) {
        int j = at + 1;
        int digits = 0;
        while (j < re.length() && Character.isDigit(re.charAt(j))) {
            j++;
            digits++;
        }
        if (digits == 0 || j >= re.length()) {
            return 0;
        }
        if (re.charAt(j) == ',') {
            j++;
            while (j < re.length() && Character.isDigit(re.charAt(j))) {
                j++;
            }
        }
        return j < re.length() && re.charAt(j) == '}' ? j + 1 - at : 0;
    }

    /** Skips a group, nested groups and classes in it included (its content is not read: the run breaks). */
    private void skipGroup() {
        int depth = 0;
        while (i < re.length()) {
            char c = re.charAt(i);
            if (c == '\\') {
                i += 2;
                continue;
            }
            if (c == '[') {
                skipClass();
                continue;
            }
            i++;
            if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return;
            }
        }
        throw new Unsure();
    }

    /** Skips a character class: {@code []a]}, {@code [^]a]}, escapes and {@code [:alpha:]} inside it. */
    private void skipClass() {
        i++;
        if (i < re.length() && re.charAt(i) == '^') {
            i++;
        }
        if (i < re.length() && re.charAt(i) == ']') {
            i++;
        }
        while (i < re.length()) {
            char c = re.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == '[' && i + 1 < re.length() && re.charAt(i + 1) == ':') {
                int close = re.indexOf(":]", i + 2);
                if (close < 0) {
                    throw new Unsure();
                }
                i = close + 2;
            } else if (c == ']') {
                i++;
                return;
            } else {
                i++;
            }
        }
        throw new Unsure();
    }

    /** Ends the current run of adjacent literal characters. */
    private void cut() {
        if (run.length() > best.length()) {
            best = run.toString();
        }
        run = new StringBuilder();
    }

    private void endBranch() {
        cut();
        if (best.length() < MIN_LENGTH) {
            throw new Unsure(); // a branch with no certain literal: every text may match
        }
        branches.add(best);
        best = "";
    }

    /** Thrown where the reader cannot be sure. */
    private static final class Unsure extends RuntimeException {
        Unsure() {
            super(null, null, false, false);
        }
    }
}
