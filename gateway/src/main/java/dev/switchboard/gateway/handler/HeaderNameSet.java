package dev.switchboard.gateway.handler;

import java.util.Set;

/**
 * A fixed set of header names, looked up case-insensitively without allocating: the upstream request builder asks
 * it about every header of every request, and a lower-cased copy of each name was a String per header.
 */
final class HeaderNameSet {
    /** The names by length; a lookup compares only names of its own length. */
    private final String[][] byLength;

    HeaderNameSet(Set<String> names) {
        int longest = names.stream().mapToInt(String::length).max().orElse(0);
        byLength = new String[longest + 1][];
        for (int n = 0; n <= longest; n++) {
            int length = n;
            byLength[n] = names.stream().filter(s -> s.length() == length).toArray(String[]::new);
        }
    }

    boolean contains(String name) {
        if (name.length() >= byLength.length) {
            return false;
        }
        for (String candidate : byLength[name.length()]) {
            if (candidate.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }
}
