package dev.switchboard.policy.guardrails;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.List;
import static dev.switchboard.policy.guardrails.Gate.all;
import static dev.switchboard.policy.guardrails.Gate.any;
import static dev.switchboard.policy.guardrails.Gate.lit;

/**
 * Scores a text for prompt injection and jailbreak attempts with a fixed, documented rule set. Stateless and
 * thread-safe.
 */
final class InjectionDetector {
    /*
     * Problem: flag "ignore previous instructions"-style attacks cheaply (microseconds, no model) without flagging the
     * many benign prompts that share their words: "how do I ignore whitespace in git diff", fiction with role-play,
     * security questions that quote an attack.
     *
     * Approach: families of phrase patterns, each with a weight in (0, 1]: the chance, as we judge it, that a text
     * matching it is an attack. Patterns are matched on several views of the text (InjectionText: NFKC + lower case,
     * zero-width removed, homoglyphs folded; leetspeak folded; spaced letters joined; base64 decoded). The score is a
     * noisy-OR over the families that matched: 1 - prod(1 - w). Disguises add their own family (a disguise alone is
     * weak; a disguise plus an instruction is strong). A family whose every match is inside quotes, in a text that
     * talks about attacks ("what is a prompt injection", "is this a jailbreak"), counts at QUOTED_DISCOUNT of its
     * weight: quoting an attack to ask about it is common and benign.
     *
     * Families (ids are the rule ids in verdicts, as injection/<id>):
     *   instruction-override  ignore/disregard/forget/override + previous/prior/above/system + instructions/rules...
     *   role-play-jailbreak   DAN / "do anything now", developer mode for a model, "no restrictions" personas
     *   prompt-exfiltration   reveal/print/repeat + system/hidden/initial + prompt/instructions; "words above"
     *   delimiter-injection   chat-template tokens (<|im_start|>system, [INST], <<SYS>>), fake "### system" headers
     *   tool-output-injection in tool results: orders addressed to the assistant, "do not tell the user",
     *                         exfiltration by markdown image URLs (weaker in user turns)
     *   encoding              base64 blobs that decode to an instruction; leetspeak, zero-width characters or
     *                         mixed-script words around an instruction
     *
     * Cost: RE2J's NFA runs some hundred nanoseconds per character for these alternations (7 ms for 1 KB of prose
     * over all of them), so each pattern has a gate: literals every match contains, found for all patterns in one
     * Aho-Corasick pass per view (Literals). A pattern runs only on views that pass its gate, and whether matches are
     * quoted (META, QUOTED) is asked only once one matched. Gates and patterns are kept in step by
     * InjectionGatesTest, which runs every pattern with and without its gate.
     * Weights and the default threshold were tuned on the dev half of the shipped labelled set only (see
     * docs/governance.md, ## Guardrails, for the test-half figures).
     */

    /** Weight multiplier for a family matched only inside quotes in a text about attacks. */
    static final double QUOTED_DISCOUNT = 0.35;

    private static final Pattern META = Pattern.compile(
            "prompt injection|jailbreak|attack|example|detect|classif|filter|defen[cds]|secur|research|paper|explain"
                    + "|what does|what is|is this|why does|how do (?:i|we|you) (?:stop|prevent|block|handle)|red.?team"
                    + "|phrase|quote|dataset|test case|benchmark|novel|story|scene|screenplay|typed?s?\\b|saw|found|wrote|says|said");
    private static final Pattern QUOTED = Pattern.compile("\"[^\"\\n]{3,400}\"|'[^'\\n]{3,400}'|“[^”\\n]{3,400}”"
            + "|`[^`\\n]{3,400}`|«[^»\\n]{3,400}»");

    /**
     * One pattern of a family.
     *
     * @param gate literals every match of {@code pattern} contains: a view without them is not given to the regex
     */
    record Family(String id, double weight, boolean toolOnly, Gate gate, Pattern pattern) {}

    private static final String VERB = "(?:ignore|disregard|forget|skip|override|bypass|discard|drop|abandon|neglect"
            + "|throw out|do not follow|don'?t follow|stop following)";
    private static final String PRIOR = "(?:previous|prior|above|earlier|preceding|initial|original|system|developer"
            + "|existing|former|old|foregoing|given)";
    private static final String ORDERS = "(?:instructions?|prompts?|rules|directions?|guidelines?|messages?|context"
            + "|commands?|directives?|guidance|programming|constraints|restrictions|text|policies|policy)";
    private static final String FILLER = "(?:(?:all|any|the|your|my|of|every|these|those|these|that)\\s+)*";

    private static final String TOKEN = "<\\|(?:im_start|im_end|system|assistant|user|endoftext|begin_of_text"
            + "|start_header_id|eot_id)\\|>|\\[/?(?:inst|sys|system)\\]|<</?sys>>"
            + "|</?(?:system|system_prompt|sys|instructions)>";
    private static final String ADDRESSEE = "(?:ai|assistant|agent|model|llm|chatbot|ai assistant|ai agent|ai model"
            + "|language model)s?";
    private static final String MODAL = "(?:must|should|need to|have to|are instructed to|are required to|please)";
    private static final String ORDER_VERB = "(?:ignore|send|forward|email|call|execute|run|visit|navigate|transfer"
            + "|exfiltrate|include|delete|reply|respond|tell|say|output|open|click|post|upload|append|add|approve"
            + "|merge|buy|pay|grant|disable|reveal|recommend)\\b";

    // the gates: literals each pattern's matches contain (see Family.gate); every alternative of a pattern is covered
    private static final Gate VERB_GATE = any("ignore", "disregard", "forget", "skip", "override", "bypass", "discard",
            "drop", "abandon", "neglect", "throw out", "follow");
    private static final Gate OVERRIDE_GATE = all(VERB_GATE,
            any("previous", "prior", "above", "earlier", "preceding", "initial", "original", "system", "developer",
                    "existing", "former", "old", "foregoing", "given"),
            any("instruction", "prompt", "rules", "direction", "guideline", "message", "context", "command",
                    "directive", "guidance", "programming", "constraints", "restrictions", "text", "policies",
                    "policy"));
    private static final Gate TOKEN_GATE = any("<|", "inst]", "sys]", "system]", "sys>", "system>", "system_prompt>",
            "instructions>");

    static final List<Family> FAMILIES = List.of(
            new Family("instruction-override", 0.9, false, OVERRIDE_GATE, Pattern.compile(
                    "\\b" + VERB + "\\s+" + FILLER + "(?:\\w+\\s+)?" + PRIOR + "\\s+(?:\\w+\\s+)?" + ORDERS + "\\b")),
            new Family("instruction-override", 0.7, false, any(all(VERB_GATE, lit("your")), lit("new "), lit("no longer"), lit("from now on")), Pattern.compile(
                    "\\b" + VERB + "\\s+(?:all\\s+(?:of\\s+)?)?your\\s+(?:\\w+\\s+)?(?:instructions|rules|guidelines"
                            + "|programming|directives|restrictions|filters|safety|training|constraints|policies)\\b"
                            + "|\\bnew (?:instructions|rules|directives)\\s*:|\\byou (?:are|will) no longer (?:bound|an ai|"
                            + "restricted|follow|chatgpt|claude|an assistant)"
                            + "|\\bfrom now on,? you (?:will|must|are to|shall) (?:only |always )?(?:obey|answer|respond|"
                            + "reply|act|ignore|comply|do|say)")),
            new Family("role-play-jailbreak", 0.85, false, any(lit("do anything now"), all(any("you are", "you're", "act as", "pretend to be", "become", "play as", "stay as"), lit("dan")), any("dan mode", "betterdan", "jailbr", "gpt", "evil confidant", "opposite mode", "aim mode", "stan mode", "dude mode")), Pattern.compile(
                    "\\bdo anything now\\b|\\b(?:you are|you're|act as|pretend to be|become|role-?play as|stay as)"
                            + " (?:now )?(?:a |an )?dan\\b|\\bdan mode\\b|\\bjailbr(?:oken|eak mode|eaked)\\b"
                            + "|\\b(?:betterdan|anti-?gpt|evil confidant|opposite mode|aim mode|stan mode|dude mode)\\b")),
            new Family("role-play-jailbreak", 0.8, false, any("developer mode", "unfiltered", "uncensored", "unrestricted", "amoral", "unethical", "evil", "unaligned", "rogue", "you have no ", "you had no "), Pattern.compile(
                    "\\b(?:you|chatgpt|gpt|claude|the assistant|the ai|the model)\\b[^.\\n]{0,40}\\bdeveloper mode\\b"
                            + "|\\bdeveloper mode (?:output|enabled response|v\\d|policies)"
                            + "|\\b(?:you are|you're|act as|pretend (?:to be|you are)|become|play) (?:now )?(?:an? )?"
                            + "(?:\\w+ )?(?:unfiltered|uncensored|unrestricted|amoral|unethical|evil|unaligned|rogue)"
                            + " (?:ai|assistant|model|chatbot|version|persona|character|llm)\\b"
                            + "|\\b(?:pretend|imagine|act|behave)[^.\\n]{0,30}\\byou (?:have|had) no (?:rules|restrictions|"
                            + "guidelines|filters|limits|limitations|ethics|morals|content polic)")),
            new Family("role-play-jailbreak", 0.45, false, any(all(any("without", "with no", "free of", "free from", "not bound by", "no longer have"), any("restrictions", "filters", "limitations", "censorship", "guidelines", "policies", "ethics", "morals", "rules")), any("stay in character", "as both", "in both", "never refuse", "never decline", "never say ")), Pattern.compile(
                    "\\b(?:without|with no|free of|free from|not bound by|no longer have) (?:any )?(?:ethical |moral |"
                            + "content |safety )?(?:restrictions|filters|limitations|censorship|guidelines|policies|"
                            + "ethics|morals|rules)\\b[^.\\n]{0,60}\\b(?:answer|respond|reply|tell|say|output|write)"
                            + "|\\bstay in character\\b[^.\\n]{0,80}\\b(?:no matter|whatever|even if|always)"
                            + "|\\b(?:answer|respond) (?:as|in) both\\b|\\bnever (?:refuse|decline|say (?:no|you can't))\\b")),
            new Family("prompt-exfiltration", 0.85, false, any(all(any("system", "initial", "original", "hidden", "secret", "developer", "first", "full", "exact", "internal", "confidential", "prompt", "base"), any("prompt", "instructions", "message", "rules", "configuration", "directives", "guidelines")), all(any("repeat", "print", "output", "copy", "reproduce", "return"), any("above", "before this", "preceding", "so far", "previous"), any("words", "text", "everything", "content", "lines", "tokens", "instructions", "prompt")), any("what were you", "what are you"), all(any("system message", "system prompt", " instructions"), any("verbatim", "word for word"))), Pattern.compile(
                    "\\b(?:reveal|show|print|output|repeat|display|tell me|give me|leak|dump|write out|spell out|recite"
                            + "|copy|paste|share|disclose|list|return|what (?:is|are|was|were))\\s+(?:me\\s+|us\\s+)?"
                            + "(?:all\\s+(?:of\\s+)?)?(?:your|the|its)\\s+(?:\\w+\\s+)?(?:system|initial|original|hidden"
                            + "|secret|developer|first|full|exact|internal|confidential|pre-?prompt|base)\\s+(?:prompt|"
                            + "instructions|message|rules|configuration|directives|guidelines)\\b"
                            + "|\\b(?:repeat|print|output|copy|reproduce|return)\\s+(?:all\\s+)?(?:of\\s+)?(?:the\\s+)?"
                            + "(?:words|text|everything|content|lines|tokens)\\s+(?:above|before this|preceding|so far)"
                            + "|\\bwhat (?:were|are) (?:you|your) (?:told|instructed|programmed|given as instructions)"
                            + "|\\b(?:copy|repeat|print|output|reproduce)\\s+(?:the\\s+)?(?:preceding|previous|above)\\s+"
                            + "(?:text|words|content|instructions|prompt)"
                            + "|\\b(?:system (?:message|prompt)|(?:hidden|initial|original) instructions)\\b[^.\\n]{0,30}"
                            + "\\b(?:verbatim|word for word)")),
            // a chat-template token alone is weak (people ask about them); followed by orders it is strong
            new Family("delimiter-injection", 0.45, false, TOKEN_GATE, Pattern.compile(TOKEN)),
            new Family("delimiter-injection", 0.85, false, any(TOKEN_GATE, any("##", "===", "---", "***", "\"role\"")), Pattern.compile(
                    "<\\|(?:im_start|start_header_id)\\|>\\s*system|(?:" + TOKEN + ")(?s:.{0,100})\\b(?:you|must|ignore|disable|reveal|no restrictions|unrestricted"
                            + "|new policy|override|grant|answer every|no guidelines|trusted|admin)"
                            + "|(?m)^\\s*(?:#{2,}|={3,}|-{3,}|\\*{3,})\\s*(?:(?:system|admin|developer)\\s*(?::|$|prompt"
                            + "|message|override|instructions|\\*)|new instructions?|instructions? update|override)"
                            + "|\"role\"\\s*:\\s*\"system\"")),
            new Family("delimiter-injection", 0.5, false, any("system", "admin", "end of ", "ignore the "), Pattern.compile(
                    "(?m)^\\s*(?:system|system message|admin)\\s*:\\s*\\S"
                            + "|\\b(?:end of|ignore the) (?:user )?(?:input|prompt|conversation|document)\\b[^\\n]{0,20}"
                            + "(?:begin|start|new|system)")),
            new Family("tool-output-injection", 0.75, true, any("ai", "assistant", "agent", "model", "llm", "chatbot", "bot", "you are ", "when you ", "the user", "conversation", "chat", "data", "credentials", "api key", "password", "history", "contents", "emails", "files", "secrets", "tokens", "!["), Pattern.compile(
                    "(?:^|[.!:;>\\-]\\s*|\\b(?:dear|hi|hey|attention|to)\\s+(?:the\\s+|any\\s+|all\\s+)?)"
                            + ADDRESSEE + "[,:]\\s+(?:reading this,?\\s+)?(?:you\\s+)?(?:" + MODAL + "\\s+)?"
                            + "(?:now\\s+)?(?:immediately\\s+)?" + ORDER_VERB
                            + "|(?:^|[.!:;>\"\\-]\\s*)" + ADDRESSEE + "\\s+(?:reading this,?\\s+)?(?:you\\s+)?" + MODAL
                            + "\\s+(?:now\\s+)?"
                            + "(?:immediately\\s+)?" + ORDER_VERB
                            + "|\\b(?:any|all|every)\\s+" + ADDRESSEE + "\\s+(?:processing|reading|summari[sz]ing|parsing"
                            + "|analy[sz]ing)\\s+this|\\byou are (?:hereby )?(?:instructed|required|ordered|commanded) to"
                            + "|\\b(?:important|urgent|new|hidden|special)\\s+(?:message|instructions?|notice|note|task)"
                            + "\\s+(?:for|to)\\s+(?:the\\s+|any\\s+)?(?:ai|assistant|agent|model|llm|bot)"
                            + "|\\bwhen (?:the )?(?:ai|assistant|agent|model|llm) (?:reads|sees|processes|summari[sz]es) this"
                            + "|\\bwhen you (?:read|process|summari[sz]e|parse) this"
                            + "|\\bdo not (?:tell|inform|mention (?:this )?to|alert|show (?:this )?to) the user"
                            + "|\\b(?:send|forward|post|upload|exfiltrate|leak)\\s+(?:all\\s+|the\\s+|this\\s+|their\\s+|"
                            + "his\\s+|her\\s+|any\\s+)*(?:user'?s?\\s+)?(?:conversation|chat|data|credentials|api keys?"
                            + "|passwords?|history|contents|emails|files|secrets|tokens)\\s+to\\b"
                            + "|!\\[[^\\]]*\\]\\(https?://[^)\\s]*[?&][a-z_]+=\\{?")),
            new Family("tool-output-injection", 0.4, false, any("the user", "!["), Pattern.compile(
                    "\\bdo not (?:tell|inform|alert) the user\\b|\\bwithout (?:telling|informing|alerting) the user\\b"
                            + "|!\\[[^\\]]*\\]\\(https?://[^)\\s]*[?&][a-z_]+=\\{")));

    /** A disguise around an instruction. */
    static final String ENCODING = "encoding";
    /** Zero-width characters or mixed scripts alone: a weak signal. */
    static final double DISGUISE_WEIGHT = 0.3;
    /** An instruction that only matched once decoded or un-leeted. */
    static final double DECODED_WEIGHT = 0.8;
    /** Instructive words that matter inside a base64 blob even when no family matches ("ignore", "system"). */
    private static final Pattern DECODED_HINT = Pattern.compile(
            "\\b(?:ignore|instructions|system prompt|jailbreak|reveal|disregard|you are now|pretend)\\b");

    /**
     * A score.
     *
     * @param score  in [0, 1]
     * @param ruleId the id of the family that weighed most, or null when nothing matched
     */
    record Score(double score, String ruleId) {}

    /** Every family's literals, scanned once per view. */
    private static final Literals LITERALS;
    /** FAMILIES' gates over LITERALS, by index. */
    private static final Gate.Bound[] GATES;

    static {
        List<String> all = new ArrayList<>();
        FAMILIES.forEach(f -> f.gate.literals(all));
        LITERALS = Literals.of(all);
        GATES = FAMILIES.stream().map(f -> f.gate.bind(LITERALS)).toArray(Gate.Bound[]::new);
    }

    Score score(String text, boolean toolOutput) {
        InjectionText t = new InjectionText(text);
        // direct view: each family's matches; whether they are quoted is asked only when one matched (rarely)
        double[] best = new double[FAMILIES.size()];
        Literals.Found found = LITERALS.scan(t.plain);
        List<int[]> quoted = null;
        for (int i = 0; i < FAMILIES.size(); i++) {
            Family f = FAMILIES.get(i);
            if (f.toolOnly && !toolOutput || !GATES[i].test(found)) {
                continue;
            }
            List<int[]> matches = matches(f.pattern, t.plain);
            if (matches.isEmpty()) {
                continue;
            }
            if (quoted == null) {
                quoted = META.matcher(t.plain).find() ? quotedSpans(t.plain) : List.of();
            }
            best[i] = !quoted.isEmpty() && allInside(quoted, matches) ? f.weight * QUOTED_DISCOUNT : f.weight;
        }
        double disguised = 0;
        String[] others = {t.leet, t.joined};
        for (String view : others) {
            if (view == null || view.equals(t.plain)) {
                continue;
            }
            Literals.Found in = LITERALS.scan(view);
            for (int i = 0; i < FAMILIES.size(); i++) {
                Family f = FAMILIES.get(i);
                if ((!f.toolOnly || toolOutput) && best[i] == 0 && GATES[i].test(in) && f.pattern.matcher(view).find()) {
                    disguised = Math.max(disguised, Math.max(DECODED_WEIGHT * f.weight, DISGUISE_WEIGHT));
                }
            }
        }
        for (String d : t.decoded) {
            Literals.Found in = LITERALS.scan(d);
            for (int i = 0; i < FAMILIES.size(); i++) {
                Family f = FAMILIES.get(i);
                if (GATES[i].test(in) && f.pattern.matcher(d).find()) {
                    disguised = Math.max(disguised, Math.max(DECODED_WEIGHT, f.weight));
                }
            }
            if (DECODED_HINT.matcher(d).find()) {
                disguised = Math.max(disguised, DECODED_WEIGHT * 0.75);
            }
        }
        double signal = (t.zeroWidth >= 2 ? DISGUISE_WEIGHT : 0) + (t.mixedScript ? DISGUISE_WEIGHT : 0);
        return combine(best, disguised, Math.min(signal, 0.45));
    }

    private static Score combine(double[] best, double disguised, double signal) {
        // noisy-OR over families (the strongest pattern per family id), then the disguise families
        java.util.Map<String, Double> byId = new java.util.LinkedHashMap<>();
        for (int i = 0; i < best.length; i++) {
            byId.merge(FAMILIES.get(i).id, best[i], Math::max);
        }
        double keep = 1;
        String top = null;
        double topWeight = 0;
        for (var e : byId.entrySet()) {
            keep *= 1 - e.getValue();
            if (e.getValue() > topWeight) {
                topWeight = e.getValue();
                top = e.getKey();
            }
        }
        boolean instruction = topWeight > 0;
        double enc = Math.max(disguised, instruction ? signal * 2 : signal);
        keep *= 1 - Math.min(enc, 0.95);
        if (enc > topWeight) {
            top = ENCODING;
        }
        double score = 1 - keep;
        return new Score(score, score == 0 ? null : top);
    }

    private static List<int[]> matches(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        List<int[]> out = null;
        while (m.find()) {
            if (out == null) {
                out = new ArrayList<>(2);
            }
            out.add(new int[] {m.start(), m.end()});
        }
        return out == null ? List.of() : out;
    }

    private static boolean allInside(List<int[]> quoted, List<int[]> matches) {
        for (int[] m : matches) {
            if (!inside(quoted, m[0], m[1])) {
                return false;
            }
        }
        return true;
    }

    private static List<int[]> quotedSpans(String text) {
        List<int[]> out = new ArrayList<>();
        Matcher m = QUOTED.matcher(text);
        while (m.find()) {
            out.add(new int[] {m.start(), m.end()});
        }
        return out;
    }

    private static boolean inside(List<int[]> spans, int start, int end) {
        for (int[] s : spans) {
            if (start >= s[0] && end <= s[1]) {
                return true;
            }
        }
        return false;
    }
}
