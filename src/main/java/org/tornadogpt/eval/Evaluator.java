package org.tornadogpt.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.tornadogpt.graphs.InferenceBuffers;
import org.tornadogpt.graphs.InferenceGraphs;
import org.tornadogpt.graphs.Program;
import org.tornadogpt.model.GptConfig;
import org.tornadogpt.model.GptModel;
import org.tornadogpt.runtime.Backend;

/**
 * Mean cross-entropy and perplexity of a model over a token sequence.
 *
 * <p>The sequence is cut into consecutive windows of {@code context} tokens (stride = context, no
 * overlap): window k predicts tokens {@code k*context + 1 .. (k+1)*context} from the tokens before
 * them in the same window. Every token after the first is predicted exactly once; the last window
 * is shorter when the tokens do not divide evenly. The loss is the mean over all predicted tokens,
 * perplexity its exponential. Forward-only programs ({@link InferenceGraphs#buildLoss}), one per window
 * length, grouped with an upload and kept until {@link #close}; every call runs the upload first,
 * which copies the model's current weights (a model being trained can be evaluated again).
 */
public final class Evaluator implements AutoCloseable {
    private final GptModel model;
    private final Backend backend;
    private final GptConfig cfg;
    private InferenceBuffers buffers;
    private Program upload;                                  // null until the first call
    private final Map<Integer, Program> programs = new TreeMap<>(); // window length -> loss program

    /**
     * @param loss       mean cross-entropy (nats per token)
     * @param perplexity exp(loss)
     * @param tokens     predicted tokens
     * @param windows    forward passes
     * @param nanos      time of the evaluation
     */
    public record Result(double loss, double perplexity, long tokens, int windows, long nanos) {
        public double tokensPerSecond() {
            return nanos == 0 ? 0 : tokens * 1e9 / nanos;
        }
    }

    public Evaluator(GptModel model, Backend backend) {
        this.model = model;
        this.backend = backend;
        this.cfg = model.config();
    }

    /** Evaluates with windows of the model's full context length. */
    public Result evaluate(int[] tokens) {
        return evaluate(tokens, cfg.contextLength());
    }

    public Result evaluate(int[] tokens, int context) {
        if (context <= 0 || context > cfg.contextLength())
            throw new IllegalArgumentException("window length " + context + " is outside [1, " + cfg.contextLength() + "] (the model's context length)");
        if (tokens.length < 2)
            throw new IllegalArgumentException("need at least 2 tokens to evaluate (one to predict from, one to predict), got " + tokens.length);
        int V = cfg.vocabSize();
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= V)
                throw new IllegalArgumentException("token id " + tokens[i] + " at position " + i + " is outside the model's vocabulary [0, " + V + ")");
        }
        if (buffers == null || buffers.maxT != context) {
            releasePrograms();
            buffers = new InferenceBuffers(cfg, context, true, false);
        }
        ensurePrograms(tokens.length, context);
        long start = System.nanoTime();
        double nll = 0;
        long count = 0;
        int windows = 0;
        backend.run(upload); // the weights as they are now on the host
        for (int from = 0; from < tokens.length - 1; from += context) {
            int T = Math.min(context, tokens.length - 1 - from);
            for (int t = 0; t < T; t++) {
                buffers.tokens.set(t, tokens[from + t]);
                buffers.targets.set(t, tokens[from + t + 1]);
            }
            backend.run(programs.get(T));
            nll += (double) buffers.loss.get(0) * T;
            count += T;
            windows++;
        }
        double loss = nll / count;
        return new Result(loss, Math.exp(loss), count, windows, System.nanoTime() - start);
    }

    /**
     * Builds the upload and a loss program for every window length this call needs, grouped once and
     * kept: on TornadoVM a new group costs a graph compilation, so a group is rebuilt only when a
     * call needs a window length it lacks (with the lengths it had, so alternating calls settle).
     */
    private void ensurePrograms(int nTokens, int context) {
        Set<Integer> lengths = new TreeSet<>(programs.keySet());
        for (int from = 0; from < nTokens - 1; from += context) lengths.add(Math.min(context, nTokens - 1 - from));
        if (upload != null && programs.keySet().containsAll(lengths)) return;
        releasePrograms();
        Program up = InferenceGraphs.buildUpload(model, buffers);
        List<Program> group = new ArrayList<>(List.of(up));
        for (int t : lengths) {
            Program p = InferenceGraphs.buildLoss(model, buffers, up, t);
            programs.put(t, p);
            group.add(p);
        }
        backend.group(group.toArray(Program[]::new));
        upload = up;
    }

    private void releasePrograms() {
        if (upload != null) backend.release(upload);
        upload = null;
        programs.clear();
    }

    /** Frees the programs (on TornadoVM their device memory) and the buffers; the backend belongs to the caller. */
    @Override
    public void close() {
        releasePrograms();
        buffers = null;
    }
}
