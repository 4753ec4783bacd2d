package org.tornadogpt.sample;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntConsumer;

import org.tornadogpt.graphs.DecodeGraph;
import org.tornadogpt.graphs.KvCache;
import org.tornadogpt.graphs.PrefillGraph;
import org.tornadogpt.graphs.Program;
import org.tornadogpt.model.GptConfig;
import org.tornadogpt.model.GptModel;
import org.tornadogpt.runtime.Backend;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * Autoregressive generation for one sequence at a time.
 *
 * <p>With the KV cache the prompt is run once by a prefill program (which stores every position's
 * keys and values), then each new token costs one decode step: one position through the model,
 * attending to the cache. When the sequence outgrows the context length Tmax, the model sees only
 * the last Tmax tokens (the book's sliding window, {@code idx[:, -context_size:]}); their positions
 * all shift, so the cache is rebuilt by a prefill of those Tmax tokens for every further token.
 * Without the cache every token runs the whole cropped context. Both ways compute only the last
 * position's logits, and both give the same tokens.
 *
 * <p>Programs are built on first use and reused (a prefill program per prompt length, keeping the
 * few most recent). Not thread-safe.
 */
public final class Generator implements AutoCloseable {
    private static final int PROGRAMS_KEPT = 4;

    private final GptModel model;
    private final Backend backend;
    private final GptConfig cfg;
    private KvCache cache;
    private DecodeGraph.Buffers decodeBuffers;
    private Program decode;
    private PrefillGraph.Buffers prefillBuffers;
    private final Map<Long, Program> prefills;
    private final float[] logits;
    private Stats last = new Stats(0, 0, 0, 0, 0, 0);

    /**
     * Timings of the last {@link #generate} call.
     *
     * @param promptTokens   tokens in the prompt
     * @param newTokens      tokens generated
     * @param firstTokenNanos from the call to the first new token (prefill + first sample)
     * @param totalNanos     the whole call
     * @param prefills       prefill (or full-context) runs
     * @param decodeSteps    single-position decode steps
     */
    public record Stats(int promptTokens, int newTokens, long firstTokenNanos, long totalNanos, int prefills, int decodeSteps) {
        /** New tokens per second over the whole call. */
        public double tokensPerSecond() {
            return totalNanos == 0 ? 0 : newTokens * 1e9 / totalNanos;
        }

        /** New tokens per second after the first one (the decode rate). */
        public double decodeTokensPerSecond() {
            long t = totalNanos - firstTokenNanos;
            return newTokens <= 1 || t <= 0 ? 0 : (newTokens - 1) * 1e9 / t;
        }
    }

    public Generator(GptModel model, Backend backend) {
        this.model = model;
        this.backend = backend;
        this.cfg = model.config();
        this.logits = new float[cfg.vocabSize()];
        this.prefills = new LinkedHashMap<>(16, 0.75f, true);
    }

    public GptModel model() { return model; }

    /** Timings of the last call. */
    public Stats lastStats() { return last; }

    /**
     * Appends up to {@code gc.maxNewTokens()} tokens to {@code prompt}; {@code onToken} sees each new
     * token as soon as it is chosen. Returns the prompt followed by the new tokens (the EOS token
     * included when it ended generation).
     */
    public int[] generate(int[] prompt, GenerationConfig gc, IntConsumer onToken) {
        if (prompt.length == 0) throw new IllegalArgumentException("the prompt must contain at least one token");
        int V = cfg.vocabSize(), Tmax = cfg.contextLength();
        for (int i = 0; i < prompt.length; i++) {
            if (prompt[i] < 0 || prompt[i] >= V)
                throw new IllegalArgumentException("prompt token id " + prompt[i] + " at position " + i + " is outside the vocabulary [0, " + V + ")");
        }
        Sampler sampler = Samplers.create(gc.sampler());
        int[] seq = Arrays.copyOf(prompt, prompt.length + gc.maxNewTokens());
        int len = prompt.length;
        int cached = 0; // positions 0..cached-1 of the current window are in the KV cache (window starts at 0)
        int nPrefill = 0, nDecode = 0;
        long start = System.nanoTime(), first = 0;
        for (int n = 0; n < gc.maxNewTokens(); n++) {
            if (gc.kvCache() && len <= Tmax && cached == len - 1 && cached > 0) {
                decodeStep(seq[len - 1], len - 1);
                nDecode++;
            } else {
                int T = Math.min(len, Tmax);
                runContext(seq, len - T, T, gc.kvCache() && len <= Tmax); // a slid window is never extended
                nPrefill++;
            }
            cached = gc.kvCache() && len <= Tmax ? len : 0;
            int next = sampler.sample(logits, V);
            seq[len++] = next;
            if (n == 0) first = System.nanoTime() - start;
            if (onToken != null) onToken.accept(next);
            if (next == gc.eosId()) break;
        }
        last = new Stats(prompt.length, len - prompt.length, first, System.nanoTime() - start, nPrefill, nDecode);
        return Arrays.copyOf(seq, len);
    }

    /** The last position's logits of the last generate step (a copy). */
    public float[] lastLogits() {
        return logits.clone();
    }

    private void decodeStep(int token, int position) {
        if (decode == null) {
            ensureCache();
            decodeBuffers = new DecodeGraph.Buffers(cfg);
            decode = DecodeGraph.build(model, cache, decodeBuffers);
        }
        cache.setStep(token, position);
        backend.run(decode);
        copyLogits(decodeBuffers.logits);
    }

    /** Runs tokens seq[from .. from+T) at positions 0..T-1; fills the cache when asked. */
    private void runContext(int[] seq, int from, int T, boolean fillCache) {
        if (prefillBuffers == null) prefillBuffers = new PrefillGraph.Buffers(cfg, cfg.contextLength(), false);
        if (fillCache) ensureCache();
        PrefillGraph.Mode mode = fillCache ? PrefillGraph.Mode.FILL_CACHE : PrefillGraph.Mode.LAST_LOGITS;
        long key = ((long) mode.ordinal() << 32) | T;
        Program p = prefills.get(key);
        if (p == null) {
            p = PrefillGraph.build(model, prefillBuffers, cache, T, mode);
            prefills.put(key, p);
            if (prefills.size() > PROGRAMS_KEPT) {
                var eldest = prefills.entrySet().iterator().next();
                backend.forget(eldest.getValue());
                prefills.remove(eldest.getKey());
            }
        }
        for (int t = 0; t < T; t++) prefillBuffers.tokens.set(t, seq[from + t]);
        backend.run(p);
        copyLogits(prefillBuffers.lastLogits);
    }

    private void ensureCache() {
        if (cache == null) cache = new KvCache(cfg);
    }

    private void copyLogits(FloatArray src) {
        MemorySegment.copy(src.getSegment(), ValueLayout.JAVA_FLOAT, 0, logits, 0, logits.length);
    }

    /** Frees the programs; the backend itself belongs to the caller. */
    @Override
    public void close() {
        for (Program p : prefills.values()) backend.forget(p);
        prefills.clear();
        if (decode != null) backend.forget(decode);
        decode = null;
    }
}
