package org.tornadogpt.eval;

import java.util.HashMap;
import java.util.Map;

import org.tornadogpt.graphs.PrefillGraph;
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
 * perplexity its exponential. Forward-only programs ({@link PrefillGraph.Mode#LOSS}), one per
 * window length.
 */
public final class Evaluator implements AutoCloseable {
    private final GptModel model;
    private final Backend backend;
    private final GptConfig cfg;
    private final Map<Integer, Program> programs = new HashMap<>();
    private PrefillGraph.Buffers buffers;

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
        if (buffers == null || buffers.maxT < context) {
            for (Program p : programs.values()) backend.forget(p);
            programs.clear();
            buffers = new PrefillGraph.Buffers(cfg, context, true);
        }
        long start = System.nanoTime();
        double nll = 0;
        long count = 0;
        int windows = 0;
        for (int from = 0; from < tokens.length - 1; from += context) {
            int T = Math.min(context, tokens.length - 1 - from);
            Program p = programs.computeIfAbsent(T, t -> PrefillGraph.build(model, buffers, null, t, PrefillGraph.Mode.LOSS));
            for (int t = 0; t < T; t++) {
                buffers.tokens.set(t, tokens[from + t]);
                buffers.targets.set(t, tokens[from + t + 1]);
            }
            backend.run(p);
            nll += (double) buffers.loss.get(0) * T;
            count += T;
            windows++;
        }
        double loss = nll / count;
        return new Result(loss, Math.exp(loss), count, windows, System.nanoTime() - start);
    }

    @Override
    public void close() {
        for (Program p : programs.values()) backend.forget(p);
        programs.clear();
    }
}
