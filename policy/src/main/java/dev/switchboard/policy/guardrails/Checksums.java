package dev.switchboard.policy.guardrails;

/** The check digits that tell a card number or an IBAN from any other run of digits. */
final class Checksums {
    private Checksums() {}

    /** Luhn (ISO/IEC 7812-1) over the digits of {@code s}, ignoring spaces and dashes; false if fewer than 2 digits. */
    static boolean luhn(CharSequence s) {
        int sum = 0;
        int n = 0;
        for (int i = s.length() - 1; i >= 0; i--) {
            char c = s.charAt(i);
            if (c == ' ' || c == '-') {
                continue;
            }
            if (c < '0' || c > '9') {
                return false;
            }
            int d = c - '0';
            if (n++ % 2 == 1) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
        }
        return n >= 2 && sum % 10 == 0;
    }

    /**
     * ISO 13616 IBAN check: 15 to 34 characters (spaces ignored), country letters and check digits first, and the
     * rearranged number mod 97 equal to 1.
     */
    static boolean iban(CharSequence s) {
        StringBuilder compact = new StringBuilder(34);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != ' ') {
                compact.append(Character.toUpperCase(c));
            }
        }
        int len = compact.length();
        if (len < 15 || len > 34 || !Character.isLetter(compact.charAt(0)) || !Character.isLetter(compact.charAt(1))
                || !Character.isDigit(compact.charAt(2)) || !Character.isDigit(compact.charAt(3))) {
            return false;
        }
        int rem = 0;
        for (int k = 0; k < len; k++) {
            char c = compact.charAt((k + 4) % len);
            if (c >= '0' && c <= '9') {
                rem = (rem * 10 + (c - '0')) % 97;
            } else if (c >= 'A' && c <= 'Z') {
                rem = (rem * 100 + (c - 'A' + 10)) % 97;
            } else {
                return false;
            }
        }
        return rem == 1;
    }

    /** Shannon entropy of {@code s} in bits per character. */
    static double entropy(CharSequence s) {
        int[] counts = new int[128];
        int other = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 128) {
                counts[c]++;
            } else {
                other++;
            }
        }
        double h = 0;
        double n = s.length();
        for (int c : counts) {
            if (c > 0) {
                h -= c / n * (Math.log(c / n) / Math.log(2));
            }
        }
        if (other > 0) {
            h -= other / n * (Math.log(other / n) / Math.log(2));
        }
        return h;
    }
}
