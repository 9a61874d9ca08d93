package dev.switchboard.policy.usage;

import java.util.concurrent.locks.ReentrantLock;

/**
 * How many tokens one model really reads for a prompt, learned from what its backends report: the gateway's own
 * count ({@code ApproxTokenizer} over the texts) misses the chat template around each message and the model's own
 * tokenizer, so the real {@code prompt_tokens} is {@code a * counted + b * (messages + 1)} plus noise, with {@code a}
 * (the tokenizers' ratio) and {@code b} (the template's tokens per message) different on every model server.
 *
 * <p>Both are fitted online by recursive least squares with exponential forgetting (recent answers weigh most, so a
 * model redeployed with another template is relearned within some tens of answers), and the estimate carries a margin
 * of 2.5 times the recent mean relative error of the estimates made before each answer (about two standard
 * deviations), so that a reservation covers what the prompt really costs when the fit is good
 * and stays wide while it is not. Before any answer the estimate is the count itself (what the gateway did before).
 *
 * <p>Reads are lock-free (one immutable snapshot); an observation that finds another one updating is dropped rather
 * than waited for (an event loop never blocks here, and one answer of many is not missed).
 */
public final class PromptTokenModel {
    /** Forgetting factor: an answer's weight halves after about 14 more (two parameters need few answers). */
    private static final double FORGET = 0.95;
    /** Weight of a new relative error in its running mean: the learning phase's errors fade within some 20 answers. */
    private static final double ERROR_WEIGHT = 0.2;
    /** Mean absolute errors to add: 2.5 of them are about two standard deviations of a normal error. */
    private static final double MARGIN_ERRORS = 2.5;
    /** The prior: a = 1 within about +-0.3, b = 0 within about +-10 tokens per message. */
    private static final double PRIOR_VAR_A = 0.09;
    private static final double PRIOR_VAR_B = 100;
    /** What the fit may say: a tokenizer half or four times as fine as ours, a template of up to 256 tokens. */
    private static final double MIN_A = 0.5;
    private static final double MAX_A = 4;
    private static final double MAX_B = 256;

    /** One fit: parameters, their covariance (p12 = p21), the mean absolute relative error, answers seen. */
    private record Fit(double a, double b, double p11, double p12, double p22, double error, long seen) {
        double predict(long counted, int messages) {
            return Math.max(MIN_A * counted, a * counted + b * (messages + 1));
        }
    }

    private volatile Fit fit = new Fit(1, 0, PRIOR_VAR_A, 0, PRIOR_VAR_B, 0, 0);
    private final ReentrantLock updating = new ReentrantLock();

    /**
     * The tokens to reserve for a prompt of {@code counted} tokens by the gateway's count, in {@code messages}
     * texts: never less than 0, and exactly {@code counted} before the model's first answer.
     */
    public long estimate(long counted, int messages) {
        Fit f = fit;
        if (f.seen == 0) {
            return counted;
        }
        double margin = 1 + MARGIN_ERRORS * f.error;
        return Math.max(0, (long) Math.ceil(f.predict(counted, messages) * margin));
    }

    /** Learns from one answer: the prompt the gateway counted as {@code counted} in {@code messages} was {@code actual}. */
    public void observe(long counted, int messages, long actual) {
        if (counted <= 0 || actual < MIN_A * counted || actual > MAX_A * counted + MAX_B * (messages + 1)
                || !updating.tryLock()) {
            return; // nothing counted, or an answer no tokenizer and template explain (a bogus count, a missed image)
        }
        try {
            Fit f = fit;
            double x1 = counted;
            double x2 = messages + 1;
            double predicted = f.predict(counted, messages);
            double relative = (actual - predicted) / Math.max(1, predicted);
            double error = f.seen == 0 ? Math.abs(relative)
                    : (1 - ERROR_WEIGHT) * f.error + ERROR_WEIGHT * Math.abs(relative);
            // RLS step: gain k = P x / (forget + x' P x); theta += k * residual; P = (P - k x' P) / forget
            double px1 = f.p11 * x1 + f.p12 * x2;
            double px2 = f.p12 * x1 + f.p22 * x2;
            double denominator = FORGET + x1 * px1 + x2 * px2;
            double k1 = px1 / denominator;
            double k2 = px2 / denominator;
            double residual = actual - (f.a * x1 + f.b * x2);
            double a = clamp(f.a + k1 * residual, MIN_A, MAX_A);
            double b = clamp(f.b + k2 * residual, 0, MAX_B);
            double p11 = (f.p11 - k1 * px1) / FORGET;
            double p22 = (f.p22 - k2 * px2) / FORGET;
            double p12 = (f.p12 - k1 * px2) / FORGET;
            // forgetting inflates the covariance along what prompts do not vary (all one message, say): scaled back
            // as a whole, never per entry, so it stays positive definite, to at most the prior's
            double scale = Math.min(1, Math.min(PRIOR_VAR_A / p11, PRIOR_VAR_B / p22));
            fit = new Fit(a, b, p11 * scale, p12 * scale, p22 * scale, error, f.seen + 1);
        } finally {
            updating.unlock();
        }
    }

    /** Answers learned from. */
    public long observations() {
        return fit.seen;
    }

    @Override
    public String toString() {
        Fit f = fit;
        return String.format("tokens = %.3f x counted + %.1f x (messages + 1), +-%.1f%% (%d answers)", f.a, f.b,
                100 * f.error, f.seen);
    }

    private static double clamp(double v, double min, double max) {
        return Math.max(min, Math.min(max, v));
    }
}
