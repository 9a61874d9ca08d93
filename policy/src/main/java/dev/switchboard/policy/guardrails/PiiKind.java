package dev.switchboard.policy.guardrails;

import com.google.re2j.Pattern;

/**
 * The kinds of personal data and secrets the built-in PII step finds, each with its rule. A candidate must pass the
 * kind's check as well as its pattern: a card number its Luhn digit, an IBAN its mod-97 check, a keyword-introduced
 * token enough entropy to look random. Each is redacted as {@code [REDACTED:KIND]}.
 */
public enum PiiKind {
    /** {@code local@domain.tld}. */
    EMAIL(new RegexRule("pii/email",
            Pattern.compile("[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\\.[A-Za-z]{2,24}"),
            "[REDACTED:EMAIL]", Prefilters.contains('@'))),
    /**
     * E.164 ({@code +44 20 7946 0958}, {@code +14155550123}) and common national shapes: North American
     * {@code (415) 555-0123} / {@code 415-555-0123}, and trunk-prefixed {@code 020 7946 0958} / {@code 06 12 34 56 78}.
     * 8 to 15 digits; bare digit runs without separators are not phones (order numbers, timestamps).
     */
    PHONE(new RegexRule("pii/phone", Pattern.compile(
            "(?:\\+[1-9](?:[ .-]?\\(?\\d\\)?){7,14}"
                    + "|\\(\\d{3}\\)[ .-]?\\d{3}[ .-]\\d{4}"
                    + "|\\b\\d{3}[.-]\\d{3}[.-]\\d{4}"
                    + "|\\b0\\d{1,4}(?:[ .-]\\d{2,4}){2,4})\\b"),
            0, PiiKind::phoneDigits, "[REDACTED:PHONE]", Prefilters.digitChain(8, 3, " .-()"))),
    /** 13 to 19 digits, optionally grouped by spaces or dashes, passing Luhn. */
    CARD(new RegexRule("pii/card", Pattern.compile("\\b\\d(?:[ -]?\\d){12,18}\\b"), 0,
            c -> Checksums.luhn(c) ? c.length() : 0, "[REDACTED:CARD]", Prefilters.digitChain(13, 1, " -"))),
    /** Country code, check digits, up to 30 more letters or digits (spaces every 4 allowed), passing mod-97. */
    IBAN(new RegexRule("pii/iban", Pattern.compile("\\b[A-Z]{2}\\d{2}(?: ?[A-Z0-9]{1,4}){3,8}\\b"), 0,
            PiiKind::ibanPrefix, "[REDACTED:IBAN]", Prefilters::ibanStart)),
    /**
     * API-key-like secrets: OpenAI/Anthropic {@code sk-…}, AWS access key ids {@code AKIA…}, GitHub tokens
     * {@code ghp_…} (and gho/ghu/ghs/ghr), Slack {@code xox[abprs]-…}, and any token of 16+ characters with at least
     * {@value #MIN_SECRET_ENTROPY} bits of entropy per character after a keyword ({@code api_key=}, {@code token:},
     * {@code password=}, {@code secret:}, {@code Bearer }), of which only the token is redacted.
     */
    SECRET(new SecretRule());

    /** Bits per character a keyword-introduced token needs to count as a secret (English words are ~3, keys ~4.5+). */
    static final double MIN_SECRET_ENTROPY = 3.5;

    private final TextRule rule;

    PiiKind(TextRule rule) {
        this.rule = rule;
    }

    public TextRule rule() {
        return rule;
    }

    /** The config name: {@code email}, {@code phone}, {@code card}, {@code iban}, {@code secret}. */
    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    private static int phoneDigits(String candidate) {
        int digits = 0;
        for (int i = 0; i < candidate.length(); i++) {
            if (Character.isDigit(candidate.charAt(i))) {
                digits++;
            }
        }
        return digits >= 8 && digits <= 15 ? candidate.length() : 0;
    }

    /** The longest prefix, cut at a group boundary, that is a valid IBAN ("DE89 3704 … 00 IS" keeps the IBAN only). */
    private static int ibanPrefix(String candidate) {
        for (int end = candidate.length(); end >= 15; end--) {
            boolean boundary = end == candidate.length() || candidate.charAt(end) == ' ';
            if (boundary && Checksums.iban(candidate.substring(0, end))) {
                return end;
            }
        }
        return 0;
    }

    /** The secrets rule: fixed prefixes, then keyword-introduced high-entropy tokens. */
    static final class SecretRule implements TextRule {
        private static final Pattern PREFIXED = Pattern.compile(
                "\\b(?:sk-(?:proj-|ant-(?:api\\d\\d-)?)?[A-Za-z0-9_-]{20,}|AKIA[0-9A-Z]{16}"
                        + "|gh[pousr]_[A-Za-z0-9]{36,255}|xox[abprs]-[A-Za-z0-9-]{10,})");
        private static final Pattern KEYWORD = Pattern.compile(
                "(?i)(?:api[_-]?key|secret|token|password|passwd|pwd|bearer|authorization)[\"']?\\s*(?:[:=]|\\s)\\s*"
                        + "[\"']?([A-Za-z0-9_\\-+/=.~]{16,512})");
        final RegexRule prefixed = new RegexRule("pii/secret", PREFIXED, "[REDACTED:SECRET]",
                Prefilters.gate(Gate.any("sk-", "akia", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "xox")));
        final RegexRule keyword = new RegexRule("pii/secret", KEYWORD, 1,
                c -> Checksums.entropy(c) >= MIN_SECRET_ENTROPY ? c.length() : 0, "[REDACTED:SECRET]",
                Prefilters.gate(Gate.any("api", "secret", "token", "password", "passwd", "pwd", "bearer",
                        "authorization")));

        @Override
        public java.util.List<Match> find(CharSequence text) {
            return Spans.resolve(Spans.concat(prefixed.find(text), keyword.find(text)));
        }
    }
}
