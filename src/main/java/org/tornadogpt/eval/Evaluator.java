package org.tornadogpt.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 * length, grouped with an upload for each call and released after it.
 */
public final class Evaluator implements AutoCloseable {
    private final GptModel model;
    private final Backend backend;
    private final GptConfig cfg;
    private InferenceBuffers buffers;

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
        if (buffers == null || buffers.maxT != context) buffers = new InferenceBuffers(cfg, context, true, false);
        Program upload = InferenceGraphs.buildUpload(model, buffers);
        Map<Integer, Program> programs = new LinkedHashMap<>();
        for (int from = 0; from < tokens.length - 1; from += context)
            programs.computeIfAbsent(Math.min(context, tokens.length - 1 - from), t -> InferenceGraphs.buildLoss(model, buffers, upload, t));
        List<Program> group = new ArrayList<>(List.of(upload));
        group.addAll(programs.values());
        backend.group(group.toArray(Program[]::new));
        long start = System.nanoTime();
        double nll = 0;
        long count = 0;
        int windows = 0;
        try {
            backend.run(upload);
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
        } finally {
            backend.release(upload);
        }
        double loss = nll / count;
        return new Result(loss, Math.exp(loss), count, windows, System.nanoTime() - start);
    }

    /** Drops the buffers; the backend belongs to the caller. */
    @Override
    public void close() {
        buffers = null;
    }
}
