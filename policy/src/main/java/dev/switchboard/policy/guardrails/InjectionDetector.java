package dev.switchboard.policy.guardrails;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.List;

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
     * Cost: about 20 linear-time RE2J patterns over at most 5 views of the text; no allocation beyond the views.
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

    record Family(String id, double weight, boolean toolOnly, Pattern pattern) {}

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

    static final List<Family> FAMILIES = List.of(
            new Family("instruction-override", 0.9, false, Pattern.compile(
                    "\\b" + VERB + "\\s+" + FILLER + "(?:\\w+\\s+)?" + PRIOR + "\\s+(?:\\w+\\s+)?" + ORDERS + "\\b")),
            new Family("instruction-override", 0.7, false, Pattern.compile(
                    "\\b" + VERB + "\\s+(?:all\\s+(?:of\\s+)?)?your\\s+(?:\\w+\\s+)?(?:instructions|rules|guidelines"
                            + "|programming|directives|restrictions|filters|safety|training|constraints|policies)\\b"
                            + "|\\bnew (?:instructions|rules|directives)\\s*:|\\byou (?:are|will) no longer (?:bound|an ai|"
                            + "restricted|follow|chatgpt|claude|an assistant)"
                            + "|\\bfrom now on,? you (?:will|must|are to|shall) (?:only |always )?(?:obey|answer|respond|"
                            + "reply|act|ignore|comply|do|say)")),
            new Family("role-play-jailbreak", 0.85, false, Pattern.compile(
                    "\\bdo anything now\\b|\\b(?:you are|you're|act as|pretend to be|become|role-?play as|stay as)"
                            + " (?:now )?(?:a |an )?dan\\b|\\bdan mode\\b|\\bjailbr(?:oken|eak mode|eaked)\\b"
                            + "|\\b(?:betterdan|anti-?gpt|evil confidant|opposite mode|aim mode|stan mode|dude mode)\\b")),
            new Family("role-play-jailbreak", 0.8, false, Pattern.compile(
                    "\\b(?:you|chatgpt|gpt|claude|the assistant|the ai|the model)\\b[^.\\n]{0,40}\\bdeveloper mode\\b"
                            + "|\\bdeveloper mode (?:output|enabled response|v\\d|policies)"
                            + "|\\b(?:you are|you're|act as|pretend (?:to be|you are)|become|play) (?:now )?(?:an? )?"
                            + "(?:\\w+ )?(?:unfiltered|uncensored|unrestricted|amoral|unethical|evil|unaligned|rogue)"
                            + " (?:ai|assistant|model|chatbot|version|persona|character|llm)\\b"
                            + "|\\b(?:pretend|imagine|act|behave)[^.\\n]{0,30}\\byou (?:have|had) no (?:rules|restrictions|"
                            + "guidelines|filters|limits|limitations|ethics|morals|content polic)")),
            new Family("role-play-jailbreak", 0.45, false, Pattern.compile(
                    "\\b(?:without|with no|free of|free from|not bound by|no longer have) (?:any )?(?:ethical |moral |"
                            + "content |safety )?(?:restrictions|filters|limitations|censorship|guidelines|policies|"
                            + "ethics|morals|rules)\\b[^.\\n]{0,60}\\b(?:answer|respond|reply|tell|say|output|write)"
                            + "|\\bstay in character\\b[^.\\n]{0,80}\\b(?:no matter|whatever|even if|always)"
                            + "|\\b(?:answer|respond) (?:as|in) both\\b|\\bnever (?:refuse|decline|say (?:no|you can't))\\b")),
            new Family("prompt-exfiltration", 0.85, false, Pattern.compile(
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
            new Family("delimiter-injection", 0.45, false, Pattern.compile(TOKEN)),
            new Family("delimiter-injection", 0.85, false, Pattern.compile(
                    "<\\|(?:im_start|start_header_id)\\|>\\s*system|(?:" + TOKEN + ")(?s:.{0,100})\\b(?:you|must|ignore|disable|reveal|no restrictions|unrestricted"
                            + "|new policy|override|grant|answer every|no guidelines|trusted|admin)"
                            + "|(?m)^\\s*(?:#{2,}|={3,}|-{3,}|\\*{3,})\\s*(?:(?:system|admin|developer)\\s*(?::|$|prompt"
                            + "|message|override|instructions|\\*)|new instructions?|instructions? update|override)"
                            + "|\"role\"\\s*:\\s*\"system\"")),
            new Family("delimiter-injection", 0.5, false, Pattern.compile(
                    "(?m)^\\s*(?:system|system message|admin)\\s*:\\s*\\S"
                            + "|\\b(?:end of|ignore the) (?:user )?(?:input|prompt|conversation|document)\\b[^\\n]{0,20}"
                            + "(?:begin|start|new|system)")),
            new Family("tool-output-injection", 0.75, true, Pattern.compile(
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
            new Family("tool-output-injection", 0.4, false, Pattern.compile(
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

    Score score(String text, boolean toolOutput) {
        InjectionText t = new InjectionText(text);
        boolean meta = META.matcher(t.plain).find();
        List<int[]> quoted = meta ? quotedSpans(t.plain) : List.of();
        double[] best = new double[FAMILIES.size()];
        // direct view
        for (int i = 0; i < FAMILIES.size(); i++) {
            Family f = FAMILIES.get(i);
            if (f.toolOnly && !toolOutput) {
                continue;
            }
            best[i] = weigh(f, t.plain, quoted);
        }
        double disguised = 0;
        String[] others = {t.leet, t.joined};
        for (String view : others) {
            if (view == null || view.equals(t.plain)) {
                continue;
            }
            for (int i = 0; i < FAMILIES.size(); i++) {
                Family f = FAMILIES.get(i);
                if ((!f.toolOnly || toolOutput) && best[i] == 0 && f.pattern.matcher(view).find()) {
                    disguised = Math.max(disguised, Math.max(DECODED_WEIGHT * f.weight, DISGUISE_WEIGHT));
                }
            }
        }
        for (String d : t.decoded) {
            for (Family f : FAMILIES) {
                if (f.pattern.matcher(d).find()) {
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

    private static double weigh(Family f, String text, List<int[]> quoted) {
        Matcher m = f.pattern.matcher(text);
        boolean any = false;
        boolean allQuoted = true;
        while (m.find()) {
            any = true;
            allQuoted &= inside(quoted, m.start(), m.end());
        }
        if (!any) {
            return 0;
        }
        return allQuoted && !quoted.isEmpty() ? f.weight * QUOTED_DISCOUNT : f.weight;
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
