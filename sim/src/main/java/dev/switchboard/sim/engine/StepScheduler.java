package dev.switchboard.sim.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * vLLM V1's continuous-batching scheduler, reduced to what decides latency: slots, a token budget per step,
 * chunked prefill, paged KV blocks with prefix caching, LoRA slots and preemption.
 */
final class StepScheduler {
    /*
     * Problem: the endpoint picker is judged on this simulator, so queueing, TTFT and inter-token latency must come
     * out of load the way they do on a GPU, not be drawn from fixed distributions.
     *
     * Approach: the engine runs in steps. Planning a step (plan):
     *  1. Running sequences, oldest first, each get the tokens they need: 1 if decoding, else the rest of their
     *     prompt (chunked to the remaining budget of max_num_batched_tokens). Their KV blocks grow to cover the
     *     step; when no block is free the newest running sequence is preempted (blocks released, back to the front
     *     of the queue, recomputed later), possibly the one asking.
     *  2. If nothing was preempted, waiting sequences are admitted in arrival order while there are slots
     *     (max_num_seqs), budget and blocks: the prompt's cached leading blocks are pinned (prefix hit, at least one
     *     token is always computed) and the first chunk of the rest is scheduled. A request whose LoRA adapter cannot
     *     join the batch (max_loras) is skipped so later ones can run; one that finds too few free blocks stops
     *     admission for this step.
     * The step lasts base + per_decode_seq x decodes + per_prefill_token x prefill tokens + per_context_token x
     * context held by the step (see LatencyProfile), times a jitter factor. Completing a step (complete) advances
     * every scheduled sequence; one whose tokens all have KV samples its next token (the step that ends a prefill
     * yields the first token), registers its newly full prompt blocks in the prefix cache, and finishes when it
     * has its output. So a long prefill slows every decode in the batch, and a full KV cache queues requests.
     *
     * Simplifications: only prompt blocks are hashed (generated tokens are not cached across requests); no
     * speculative decoding, no CPU swap, one sequence per request (n = 1).
     *
     * Concurrency: single-threaded (the engine thread, or a test). Time is passed in, so tests run it in modelled
     * time and get exact, repeatable TTFTs.
     * Cost: O(running + admitted) per step; no allocation per step beyond growing block tables.
     * References: vLLM v1/core/sched/scheduler.py and v1/core/block_pool.py (read for behaviour, not copied).
     */

    /** Jitter is clamped to this many standard deviations so a step never takes a negative or absurd time. */
    private static final double JITTER_CLAMP_SIGMAS = 3;

    private final EngineConfig config;
    private final LatencyProfile profile;
    private final EngineMetrics metrics;
    private final SplittableRandom random;
    final KvCache kv;
    final LoraSlots loras;
    final List<Sequence> running = new ArrayList<>();
    final ArrayDeque<Sequence> waiting = new ArrayDeque<>();

    private final List<Sequence> scheduled = new ArrayList<>();
    private int decodeSeqs;
    private int prefillTokens;
    private long contextTokens;
    private boolean preemptedThisStep;

    StepScheduler(EngineConfig config, EngineMetrics metrics) {
        this.config = config;
        this.profile = config.profile();
        this.metrics = metrics;
        this.random = new SplittableRandom(config.seed());
        this.kv = new KvCache(profile.kvBlocks(), profile.blockSize());
        this.loras = new LoraSlots(config.maxLoras());
    }

    void add(Sequence s) {
        waiting.addLast(s);
    }

    boolean idle() {
        return running.isEmpty() && waiting.isEmpty();
    }

    /** Plans the next step; false when no sequence can make progress. */
    boolean plan(long now) {
        dropCancelled();
        scheduled.clear();
        decodeSeqs = 0;
        prefillTokens = 0;
        contextTokens = 0;
        int budget = config.maxNumBatchedTokens();
        preemptedThisStep = false;
        for (int i = 0; i < running.size() && budget > 0; i++) {
            Sequence s = running.get(i);
            int tokens = Math.min(s.length() - s.computed, budget);
            if (!growBlocks(s, s.computed + tokens)) {
                break; // s and every newer sequence were preempted
            }
            schedule(s, tokens);
            budget -= tokens;
        }
        if (!preemptedThisStep) {
            admit(budget, now);
        }
        return !scheduled.isEmpty();
    }

    /** Modelled duration of the planned step, jitter included. */
    long stepNanos() {
        long nanos = profile.stepNanos(decodeSeqs, prefillTokens, contextTokens);
        if (profile.jitter() > 0) {
            double z = Math.max(-JITTER_CLAMP_SIGMAS, Math.min(JITTER_CLAMP_SIGMAS, random.nextGaussian()));
            nanos = (long) (nanos * Math.max(0.05, 1 + profile.jitter() * z));
        }
        return nanos;
    }

    /** Applies the planned step, which ended at {@code now}. */
    void complete(long now) {
        for (Sequence s : scheduled) {
            if (s.cancelled) {
                continue; // dropped at the next plan
            }
            s.computed += s.scheduledTokens;
            registerFullBlocks(s);
            if (s.computed < s.length()) {
                continue; // still prefilling
            }
            if (s.request.pooling()) {
                finish(s, "stop", now);
                continue;
            }
            sample(s, now);
        }
    }

    int waitingCount() {
        return waiting.size();
    }

    /** Adapters of waiting requests that are not running. */
    Set<String> waitingAdapters() {
        Set<String> out = new LinkedHashSet<>();
        for (Sequence s : waiting) {
            String a = s.request.adapter();
            if (a != null && !loras.active().contains(a)) {
                out.add(a);
            }
        }
        return out;
    }

    private void admit(int budget, long now) {
        int blockSize = kv.blockSize;
        Iterator<Sequence> it = waiting.iterator();
        while (it.hasNext() && budget > 0 && running.size() < config.maxNumSeqs()) {
            Sequence s = it.next();
            String adapter = s.request.adapter();
            if (!loras.canRun(adapter)) {
                continue;
            }
            long[] hashes = s.request.blockHashes();
            int total = s.length();
            int hitBlocks = kv.countCached(hashes, Math.min(hashes.length, (total - 1) / blockSize));
            for (int b = 0; b < hitBlocks; b++) {
                s.addBlock(kv.pin(hashes[b]));
            }
            s.computed = hitBlocks * blockSize;
            s.registeredBlocks = hitBlocks;
            int tokens = Math.min(total - s.computed, budget);
            int needed = blocksFor(s.computed + tokens) - s.blockCount();
            if (needed > kv.freeBlocks()) {
                s.releaseBlocks(kv);
                break;
            }
            growBlocks(s, s.computed + tokens);
            it.remove();
            running.add(s);
            loras.acquire(adapter);
            if (s.cachedTokens < 0) {
                s.cachedTokens = s.computed;
                metrics.prefixQueries.add(s.request.promptTokens());
                metrics.prefixHits.add(s.cachedTokens);
                metrics.promptTokens.add(s.request.promptTokens());
            }
            if (s.firstScheduledNanos < 0) {
                s.firstScheduledNanos = now;
                metrics.queueTime.observeNanos(now - s.arrivalNanos);
            }
            schedule(s, tokens);
            budget -= tokens;
        }
    }

    private void schedule(Sequence s, int tokens) {
        s.scheduledTokens = tokens;
        scheduled.add(s);
        if (s.decoding()) {
            decodeSeqs++;
        } else {
            prefillTokens += tokens;
        }
        contextTokens += s.computed + tokens;
    }

    /**
     * Grows {@code s}'s block table to hold {@code tokens}, preempting the newest running sequences while blocks
     * are short. Returns false if {@code s} itself had to be preempted.
     */
    private boolean growBlocks(Sequence s, int tokens) {
        int needed = blocksFor(tokens) - s.blockCount();
        while (needed > kv.freeBlocks()) {
            Sequence victim = running.get(running.size() - 1);
            preempt(victim);
            if (victim == s) {
                return false;
            }
        }
        for (int i = 0; i < needed; i++) {
            s.addBlock(kv.allocate());
        }
        return true;
    }

    private void preempt(Sequence s) {
        running.remove(running.size() - 1);
        s.releaseBlocks(kv);
        loras.release(s.request.adapter());
        s.preemptions++;
        preemptedThisStep = true;
        metrics.preemptions.increment();
        waiting.addFirst(s);
    }

    private void registerFullBlocks(Sequence s) {
        long[] hashes = s.request.blockHashes();
        int full = Math.min(hashes.length, s.computed / kv.blockSize);
        for (int b = s.registeredBlocks; b < full; b++) {
            if (kv.register(s.block(b), hashes[b]) && kv.events != null) {
                kv.events.stored(s.request, b);
            }
        }
        s.registeredBlocks = Math.max(s.registeredBlocks, full);
    }

    private void sample(Sequence s, long now) {
        int index = s.generated++;
        metrics.generationTokens.increment();
        if (index == 0) {
            s.firstTokenNanos = now;
            metrics.timeToFirstToken.observeNanos(now - s.arrivalNanos);
        } else if (s.lastTokenNanos >= 0) {
            metrics.interTokenLatency.observeNanos(now - s.lastTokenNanos);
        }
        s.lastTokenNanos = now;
        s.listener.onToken(index);
        if (s.generated >= s.request.outputTokens()) {
            finish(s, s.generated >= s.request.maxTokens() ? "length" : "stop", now);
        }
    }

    private void finish(Sequence s, String reason, long now) {
        running.remove(s);
        s.releaseBlocks(kv);
        loras.release(s.request.adapter());
        metrics.finished(reason);
        metrics.e2eLatency.observeNanos(now - s.arrivalNanos);
        s.listener.onFinish(reason, s.request.promptTokens(), s.generated, Math.max(0, s.cachedTokens));
    }

    private void dropCancelled() {
        for (int i = running.size() - 1; i >= 0; i--) {
            Sequence s = running.get(i);
            if (s.cancelled) {
                running.remove(i);
                s.releaseBlocks(kv);
                loras.release(s.request.adapter());
                metrics.finished("abort");
            }
        }
        waiting.removeIf(s -> {
            if (s.cancelled) {
                metrics.finished("abort");
            }
            return s.cancelled;
        });
    }

    private int blocksFor(int tokens) {
        return (tokens + kv.blockSize - 1) / kv.blockSize;
    }
}
