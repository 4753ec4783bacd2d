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
 *       being twice forward) = 3 × forward, i.e. ~{@code 6·P·tokens} plus attention.</li>
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

    /** The formulas in one line, for the table's footnote. */
    public static final String DESCRIPTION = "FLOPs: forward = 2*P*B*T + L*B*2*C*T*(T+1) (causal attention), "
            + "train-step = 3*forward (~6*P*tokens); "
            + "P = 12*L*C^2 + V*C matmul weights";
}
