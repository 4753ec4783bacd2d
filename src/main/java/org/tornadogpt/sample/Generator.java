package org.tornadogpt.sample;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

import org.tornadogpt.graphs.InferenceBuffers;
import org.tornadogpt.graphs.InferenceGraphs;
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
 * <p>The programs ({@link InferenceGraphs}: an upload, a prefill per bucket length 1, 2, 4, ..., Tmax,
 * and the decode step) are built on first use as one group, so on TornadoVM they share one copy of
 * the weights and the cache on the device. A prompt is padded to its bucket. Not thread-safe.
 */
public final class Generator implements AutoCloseable {
    private final GptModel model;
    private final Backend backend;
    private final GptConfig cfg;
    private InferenceBuffers buffers;
    private Program decode;
    private final Map<Integer, Program> prefills = new HashMap<>();
    private Program upload;
    private final float[] logits;
    private Stats last = new Stats(0, 0, 0, 0, 0, 0);

    /**
     * Timings of the last {@link #generate} call.
     *
     * @param promptTokens    tokens in the prompt
     * @param newTokens       tokens generated
     * @param firstTokenNanos from the call to the first new token (prefill + first sample)
     * @param totalNanos      the whole call
     * @param prefills        prefill (or full-context) runs
     * @param decodeSteps     single-position decode steps
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
        int cached = 0; // positions 0..cached-1 of the sequence are in the KV cache (the window still starts at 0)
        int nPrefill = 0, nDecode = 0;
        long start = System.nanoTime(), first = 0;
        for (int n = 0; n < gc.maxNewTokens(); n++) {
            if (gc.kvCache() && len <= Tmax && cached == len - 1 && cached > 0) {
                decodeStep(seq[len - 1], len - 1);
                nDecode++;
            } else {
                int T = Math.min(len, Tmax); // the book's idx[:, -context_size:]
                runContext(seq, len - T, T);
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

    /** Builds the group on first use and uploads weights and cache. */
    private void ensurePrograms() {
        if (upload != null) return;
        buffers = new InferenceBuffers(cfg, cfg.contextLength(), false, true);
        Program up = InferenceGraphs.buildUpload(model, buffers);
        List<Program> group = new ArrayList<>(List.of(up));
        for (int b : InferenceGraphs.buckets(cfg.contextLength())) {
            Program p = InferenceGraphs.buildPrefill(model, buffers, up, b);
            prefills.put(b, p);
            group.add(p);
        }
        decode = InferenceGraphs.buildDecode(model, buffers, up);
        group.add(decode);
        backend.group(group.toArray(Program[]::new));
        backend.run(up);
        upload = up;
    }

    private void decodeStep(int token, int position) {
        ensurePrograms();
        buffers.step.set(0, token);
        buffers.step.set(1, position);
        backend.run(decode);
        copyLogits();
    }

    /** Runs seq[from .. from+T) at positions 0..T-1, padded to its bucket; fills the cache. */
    private void runContext(int[] seq, int from, int T) {
        ensurePrograms();
        int bucket = InferenceGraphs.bucket(T, cfg.contextLength());
        for (int t = 0; t < T; t++) buffers.tokens.set(t, seq[from + t]);
        for (int t = T; t < bucket; t++) buffers.tokens.set(t, 0);
        buffers.step.set(0, 0);
        buffers.step.set(1, T - 1);
        backend.run(prefills.get(bucket));
        copyLogits();
    }

    private void copyLogits() {
        MemorySegment.copy(buffers.lastLogits.getSegment(), ValueLayout.JAVA_FLOAT, 0, logits, 0, logits.length);
    }

    /** Frees the programs (on TornadoVM their device memory); the backend itself belongs to the caller. */
    @Override
    public void close() {
        if (upload != null) backend.release(upload);
        upload = null;
        decode = null;
        prefills.clear();
        buffers = null;
    }
}
