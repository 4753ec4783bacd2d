package org.tornadogpt.graphs;

import org.tornadogpt.model.GptConfig;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * Activation gradients for one batch shape (B, T). Unlike {@link Activations} nothing here is
 * stacked over layers: the backward pass walks the layers in reverse and reuses one set of
 * per-layer scratch buffers, and the residual stream's gradient lives in a single buffer that every
 * layer adds into in place. The logits' gradient overwrites {@link Activations#logits}, which the
 * backward pass no longer needs.
 *
 * <p>Floats: {@code B*T * 11C + B*NH*T*T} (see {@link #floats}). For GPT-2 124M at B=2, T=256 that
 * is 5.9M floats (24 MB).
 */
public final class GradActivations {
    public final int B, T;
    public final FloatArray dres;    // (B, T, C) gradient of the residual stream at the current layer
    public final FloatArray dbranch; // (B, T, C) gradient of a residual branch (attention or MLP output projection)
    public final FloatArray dln;     // (B, T, C) gradient of a layer-norm output (ln1, ln2, lnf)
    public final FloatArray datty;   // (B, T, C) gradient of the attention output (heads concatenated)
    public final FloatArray dqkv;    // (B, T, 3C)
    public final FloatArray dfch;    // (B, T, 4C) gradient of the GELU output, then (in place) of its input
    public final FloatArray dpreatt; // (B, NH, T, T) gradient of the attention scores q.k

    public GradActivations(GptConfig cfg, int B, int T) {
        this.B = B;
        this.T = T;
        long C = cfg.embDim(), NH = cfg.nHeads(), bt = (long) B * T;
        dres = floats("residual gradient", bt * C);
        dbranch = floats("branch gradient", bt * C);
        dln = floats("layer-norm gradient", bt * C);
        datty = floats("attention-output gradient", bt * C);
        dqkv = floats("qkv gradient", bt * 3 * C);
        dfch = floats("MLP hidden gradient", bt * 4 * C);
        dpreatt = floats("attention-score gradient", B * NH * T * T);
    }

    /** Number of floats these buffers hold: {@code B*T*11C + B*NH*T*T}. */
    public static long floats(GptConfig cfg, int B, int T) {
        long C = cfg.embDim(), bt = (long) B * T;
        return bt * 11 * C + (long) B * cfg.nHeads() * T * T;
    }

    /** Every buffer, for transfer declarations. */
    public Object[] all() {
        return new Object[] {dres, dbranch, dln, datty, dqkv, dfch, dpreatt};
    }

    private static FloatArray floats(String what, long n) {
        if (n > Integer.MAX_VALUE - 16)
            throw new IllegalArgumentException("gradient buffer '" + what + "' would need " + n + " floats, more than one buffer holds; lower the batch size or context");
        return new FloatArray((int) Math.max(1, n));
    }
}
