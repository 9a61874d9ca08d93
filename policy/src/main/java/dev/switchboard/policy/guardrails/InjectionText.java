package dev.switchboard.policy.guardrails;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The views of a prompt that the injection rules read, each undoing one disguise: NFKC and lower case (full-width
 * and styled letters), zero-width characters removed, Cyrillic and Greek look-alikes folded to Latin, leetspeak
 * folded, spaced-out letters joined, and base64 blobs decoded. Which disguises were undone is recorded: a disguise
 * is itself a signal.
 */
final class InjectionText {
    /** Shortest base64 run worth decoding (a short instruction, 15 bytes, is 20 characters). */
    static final int MIN_BASE64 = 20;

    private static final com.google.re2j.Pattern BASE64 =
            com.google.re2j.Pattern.compile("[A-Za-z0-9+/]{" + MIN_BASE64 + ",}={0,2}");
    private static final com.google.re2j.Pattern SPACED =
            com.google.re2j.Pattern.compile("(?:\\b\\pL[ .\\-_]{1,3}){5,}\\pL\\b");

    /** The normalized text: NFKC, zero-width removed, homoglyphs folded, lower case. */
    final String plain;
    /** {@link #plain} with leetspeak folded (0→o, 1→i, 3→e, 4→a, 5→s, 7→t, @→a, $→s). */
    final String leet;
    /** Letters spaced out ("i g n o r e") joined, when there were any, else null. */
    final String joined;
    /** Printable text decoded from base64 blobs, or empty. */
    final List<String> decoded;
    /** How many zero-width characters sat between letters. */
    final int zeroWidth;
    /** Whether a word mixed Latin letters with Cyrillic or Greek look-alikes. */
    final boolean mixedScript;

    InjectionText(String raw) {
        String nfkc = isAscii(raw) ? raw : Normalizer.normalize(raw, Normalizer.Form.NFKC); // ASCII is NFKC already
        StringBuilder b = new StringBuilder(nfkc.length());
        int zw = 0;
        boolean mixed = false;
        boolean wordLatin = false;
        boolean wordFolded = false;
        for (int i = 0; i < nfkc.length(); i++) {
            char c = nfkc.charAt(i);
            if (isZeroWidth(c)) {
                if (i > 0 && i + 1 < nfkc.length() && Character.isLetter(nfkc.charAt(i - 1))
                        && Character.isLetter(nfkc.charAt(i + 1))) {
                    zw++;
                }
                continue;
            }
            char folded = foldHomoglyph(c);
            if (Character.isLetter(c)) {
                wordLatin |= folded == c && c < 128;
                wordFolded |= folded != c;
                mixed |= wordLatin && wordFolded;
            } else {
                wordLatin = false;
                wordFolded = false;
            }
            b.append(folded);
        }
        String lower = b.toString().toLowerCase(Locale.ROOT);
        this.plain = collapseSpaces(lower);
        this.leet = foldLeet(plain);
        this.zeroWidth = zw;
        this.mixedScript = mixed;
        String joinedRaw = joinSpaced(lower);
        this.joined = joinedRaw == null ? null : collapseSpaces(joinedRaw);
        this.decoded = hasRun(raw, MIN_BASE64) ? decodeBase64(raw) : List.of();
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 128) {
                return false;
            }
        }
        return true;
    }

    /** Runs of spaces, tabs and no-break spaces as one space. */
    private static String collapseSpaces(String s) {
        StringBuilder b = new StringBuilder(s.length());
        boolean changed = false;
        for (int i = 0; i < s.length(); ) {
            char c = s.charAt(i);
            if (!isHSpace(c)) {
                b.append(c);
                i++;
                continue;
            }
            int j = i;
            while (j < s.length() && isHSpace(s.charAt(j))) {
                j++;
            }
            changed |= j - i > 1 || c != ' ';
            b.append(' ');
            i = j;
        }
        return changed ? b.toString() : s;
    }

    /**
     * Whether {@code s} has five letters in a row each followed by one to three of {@code " .-_"} and then a
     * letter: what SPACED needs to match (it also wants word boundaries), found without the regex.
     */
    private static boolean maySpaceOut(String s) {
        int units = 0;
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            int after = i + Character.charCount(cp);
            if (!Character.isLetter(cp)) {
                units = 0;
                i = after;
                continue;
            }
            int j = after;
            while (j < s.length() && j - after < 3 && isSpacer(s.charAt(j))) {
                j++;
            }
            if (j > after && j < s.length() && Character.isLetter(s.codePointAt(j))) {
                if (++units >= 5) {
                    return true;
                }
                i = j;
            } else {
                units = 0;
                i = j > after ? j : after;
            }
        }
        return false;
    }

    private static boolean isSpacer(char c) {
        return c == ' ' || c == '.' || c == '-' || c == '_';
    }

    private static boolean isHSpace(char c) {
        return c == ' ' || c == '\t' || c == '\u00A0';
    }

    /** Whether {@code s} has {@code min} base64 characters in a row (what BASE64 needs to match). */
    private static boolean hasRun(String s, int min) {
        int run = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean b64 = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '/';
            run = b64 ? run + 1 : 0;
            if (run >= min) {
                return true;
            }
        }
        return false;
    }

    private static boolean isZeroWidth(char c) {
        return c == '\u200B' || c == '\u200C' || c == '\u200D' || c == '\u2060' || c == '\uFEFF' || c == '\u00AD'
                || c == '\u180E';
    }

    /** Cyrillic and Greek letters that render like Latin ones (NFKC does not fold across scripts). */
    private static char foldHomoglyph(char c) {
        return switch (c) {
            case 'а', 'α' -> 'a';
            case 'в', 'β' -> 'b';
            case 'с', 'ϲ' -> 'c';
            case 'е', 'ε' -> 'e';
            case 'һ' -> 'h';
            case 'і', 'ι' -> 'i';
            case 'ј' -> 'j';
            case 'к', 'κ' -> 'k';
            case 'м' -> 'm';
            case 'н', 'η' -> 'n';
            case 'о', 'ο' -> 'o';
            case 'р', 'ρ' -> 'p';
            case 'ѕ' -> 's';
            case 'т', 'τ' -> 't';
            case 'у', 'υ' -> 'y';
            case 'х', 'χ' -> 'x';
            case 'А', 'Α' -> 'A';
            case 'В', 'Β' -> 'B';
            case 'С' -> 'C';
            case 'Е', 'Ε' -> 'E';
            case 'Н', 'Η' -> 'H';
            case 'І', 'Ι' -> 'I';
            case 'К', 'Κ' -> 'K';
            case 'М', 'Μ' -> 'M';
            case 'О', 'Ο' -> 'O';
            case 'Р', 'Ρ' -> 'P';
            case 'Т', 'Τ' -> 'T';
            case 'Х', 'Χ' -> 'X';
            default -> c;
        };
    }

    private static String foldLeet(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(switch (c) {
                case '0' -> 'o';
                case '1', '!', '|' -> 'i';
                case '3' -> 'e';
                case '4', '@' -> 'a';
                case '5', '$' -> 's';
                case '7', '+' -> 't';
                default -> c;
            });
        }
        return b.toString();
    }

    private static String joinSpaced(String s) {
        if (!maySpaceOut(s)) {
            return null;
        }
        com.google.re2j.Matcher m = SPACED.matcher(s);
        if (!m.find()) {
            return null;
        }
        StringBuilder b = new StringBuilder(s.length());
        int pos = 0;
        do {
            b.append(s, pos, m.start()).append(joinLetters(m.group()));
            pos = m.end();
        } while (m.find());
        return b.append(s, pos, s.length()).toString();
    }

    /** "d i s r e g a r d  t h e" → "disregard the": single separators go, runs of two or more are a word break. */
    private static String joinLetters(String spaced) {
        StringBuilder b = new StringBuilder(spaced.length());
        int run = 0;
        for (int i = 0; i < spaced.length(); i++) {
            char c = spaced.charAt(i);
            if (Character.isLetter(c)) {
                if (run >= 2) {
                    b.append(' ');
                }
                b.append(c);
                run = 0;
            } else {
                run++;
            }
        }
        return b.toString();
    }

    private static List<String> decodeBase64(String raw) {
        List<String> out = new ArrayList<>(1);
        com.google.re2j.Matcher m = BASE64.matcher(raw);
        while (m.find() && out.size() < 8) {
            String blob = m.group();
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(blob.length() % 4 == 0 ? blob : blob.substring(0, blob.length() - blob.length() % 4));
            } catch (IllegalArgumentException e) {
                continue;
            }
            String text = new String(bytes, StandardCharsets.UTF_8);
            int printable = 0;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                printable += c >= 32 && c < 127 || c == '\n' ? 1 : 0;
            }
            if (!text.isEmpty() && printable >= 0.9 * text.length() && text.indexOf(' ') >= 0) {
                out.add(text.toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }
}
