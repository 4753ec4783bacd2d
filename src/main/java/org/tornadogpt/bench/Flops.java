package org.tornadogpt.bench;

import org.tornadogpt.model.GptConfig;

/**
 * FLOP counts used for achieved GFLOP/s. A multiply-add is 2 FLOPs.
 *
 * <ul>
 *   <li>Matmul weights per token: {@code P = 12·L·C² + V·C} (qkv 3C², attention projection C², MLP
 *       4C² + 4C² per layer, and the LM head V·C). Biases, layer norms, GELU, softmax and the
 *       embedding lookups are left out (they are O(C) per token).</li>
 *   <li>Causal attention per layer and sequence: q·k and p·v over t2 &lt;= t, i.e.
 *       {@code 2·2·C·T(T+1)/2 = 2·C·T·(T+1)}.</li>
 *   <li>forward = {@code 2·P·B·T + L·B·2·C·T·(T+1)}; training step (forward + backward, backward
 *       being twice forward) = 3 × forward, i.e. ~{@code 6·P·tokens} plus attention; eval = forward
 *       over its windows; generate = 2·P per position computed (prefill and decode) plus
 *       attention over each position's prefix.</li>
 * </ul>
 */
public final class Flops {
    private Flops() {}

    /** Weights that multiply activations, per token (see class comment). */
    public static long matmulParams(GptConfig c) {
        long C = c.embDim(), L = c.nLayers(), V = c.vocabSize();
        return 12 * L * C * C + V * C;
    }

    /** Attention FLOPs of one forward pass over B sequences of length T. */
    public static double attention(GptConfig c, int B, int T) {
        return (double) c.nLayers() * B * 2.0 * c.embDim() * T * (T + 1.0);
    }

    public static double forward(GptConfig c, int B, int T) {
        return 2.0 * matmulParams(c) * B * T + attention(c, B, T);
    }

    public static double trainStep(GptConfig c, int B, int T) {
        return 3.0 * forward(c, B, T);
    }

    /**
     * Generation of {@code n} tokens after a prompt of {@code T}: a prefill over T positions, then
     * one position per decode step attending to its prefix (2*P per position plus 4*C per layer
     * per attended position).
     */
    public static double generate(GptConfig c, int T, int n) {
        double positions = T + Math.max(0, n - 1);
        double attended = T * (T + 1.0) / 2; // prefill, causal
        for (int k = 1; k < n; k++) attended += T + k;
        return 2.0 * matmulParams(c) * positions + 4.0 * c.nLayers() * c.embDim() * attended;
    }

    /** The formulas in one line, for the table's footnote. */
    public static final String DESCRIPTION = "FLOPs: forward = 2*P*B*T + L*B*2*C*T*(T+1) (causal attention), "
            + "train-step = 3*forward (~6*P*tokens), eval = forward, generate = 2*P per position + attention; "
            + "P = 12*L*C^2 + V*C matmul weights";
}
