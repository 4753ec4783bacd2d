package org.tornadogpt.graphs;

import org.tornadogpt.model.GptConfig;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Every activation the forward pass writes for a batch of B sequences of T tokens, kept for the
 * backward pass (llm.c's ActivationTensors). Per-layer tensors are stacked over layers: layer l of
 * a (L, B, T, C) buffer starts at element {@code l * B*T*C}.
 */
public final class Activations {
    public final int B, T;
    public final IntArray tokens;     // (B, T)
    public final IntArray targets;    // (B, T)
    public final FloatArray encoded;  // (B, T, C)
    public final FloatArray ln1;      // (L, B, T, C)
    public final FloatArray ln1Mean;  // (L, B, T)
    public final FloatArray ln1Rstd;  // (L, B, T)
    public final FloatArray qkv;      // (L, B, T, 3C)
    public final FloatArray atty;     // (L, B, T, C)
    public final FloatArray att;      // (L, B, NH, T, T) softmax probabilities
    public final FloatArray attproj;  // (L, B, T, C)
    public final FloatArray residual2; // (L, B, T, C)
    public final FloatArray ln2;      // (L, B, T, C)
    public final FloatArray ln2Mean;  // (L, B, T)
    public final FloatArray ln2Rstd;  // (L, B, T)
    public final FloatArray fch;      // (L, B, T, 4C) before GELU
    public final FloatArray fchGelu;  // (L, B, T, 4C)
    public final FloatArray fcproj;   // (L, B, T, C)
    public final FloatArray residual3; // (L, B, T, C)
    public final FloatArray lnf;      // (B, T, C)
    public final FloatArray lnfMean;  // (B, T)
    public final FloatArray lnfRstd;  // (B, T)
    public final FloatArray logits;   // (B, T, V)
    public final FloatArray probs;    // (B, T, V)
    public final FloatArray losses;   // (B, T)
    public final FloatArray loss;     // (1) mean of losses

    public Activations(GptConfig cfg, int B, int T) {
        if (B <= 0 || T <= 0) throw new IllegalArgumentException("batch size and sequence length must be positive, got B=" + B + ", T=" + T);
        if (T > cfg.contextLength())
            throw new IllegalArgumentException("sequence length " + T + " is longer than the model's context length " + cfg.contextLength());
        this.B = B;
        this.T = T;
        long L = cfg.nLayers(), C = cfg.embDim(), NH = cfg.nHeads(), V = cfg.vocabSize();
        long bt = (long) B * T;
        tokens = new IntArray(size("tokens", bt));
        targets = new IntArray(size("targets", bt));
        encoded = floats("encoded", bt * C);
        ln1 = floats("ln1", L * bt * C);
        ln1Mean = floats("ln1 mean", L * bt);
        ln1Rstd = floats("ln1 rstd", L * bt);
        qkv = floats("qkv", L * bt * 3 * C);
        atty = floats("attention output", L * bt * C);
        att = floats("attention probabilities", L * B * NH * T * T);
        attproj = floats("attention projection", L * bt * C);
        residual2 = floats("residual2", L * bt * C);
        ln2 = floats("ln2", L * bt * C);
        ln2Mean = floats("ln2 mean", L * bt);
        ln2Rstd = floats("ln2 rstd", L * bt);
        fch = floats("fc", L * bt * 4 * C);
        fchGelu = floats("gelu", L * bt * 4 * C);
        fcproj = floats("fc projection", L * bt * C);
        residual3 = floats("residual3", L * bt * C);
        lnf = floats("lnf", bt * C);
        lnfMean = floats("lnf mean", bt);
        lnfRstd = floats("lnf rstd", bt);
        logits = floats("logits", bt * V);
        probs = floats("probs", bt * V);
        losses = floats("losses", bt);
        loss = floats("loss", 1);
    }

    private static int size(String what, long n) {
        if (n > Integer.MAX_VALUE - 16)
            throw new IllegalArgumentException("activation '" + what + "' would need " + n + " floats, more than one buffer holds; lower the batch size or context");
        return (int) Math.max(1, n);
    }

    private static FloatArray floats(String what, long n) {
        return new FloatArray(size(what, n));
    }

    /** Every float buffer (not the token ids), for transfer declarations. */
    public Object[] all() {
        return new Object[] {encoded, ln1, ln1Mean, ln1Rstd, qkv, atty, att, attproj, residual2, ln2, ln2Mean, ln2Rstd,
                fch, fchGelu, fcproj, residual3, lnf, lnfMean, lnfRstd, logits, probs, losses, loss};
    }

    /** Number of floats of all buffers for (B, T) (the formula the constructor allocates). */
    public static long floats(GptConfig cfg, int B, int T) {
        long L = cfg.nLayers(), C = cfg.embDim(), NH = cfg.nHeads(), V = cfg.vocabSize(), bt = (long) B * T;
        return bt * C + L * bt * (18 * C + 4) + L * B * NH * T * T + bt * (C + 2) + 2 * bt * V + bt + 1;
    }

    /** The residual stream entering layer l (or the final layer norm when l == L): buffer and offset. */
    public FloatArray residualIn(int l) {
        return l == 0 ? encoded : residual3;
    }

    public int residualInOffset(int l, int C) {
        return l == 0 ? 0 : (l - 1) * B * T * C;
    }
}
