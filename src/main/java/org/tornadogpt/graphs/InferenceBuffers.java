package org.tornadogpt.graphs;

import org.tornadogpt.kernels.StepSlots;
import org.tornadogpt.model.GptConfig;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The activations of forward-only inference over at most {@code maxT} positions of one sequence
 * (batch 1), shared by every program of {@link InferenceGraphs}: the prefill and eval programs use
 * rows 0..T-1, the decode step row 0. Nothing is kept for a backward pass, so the layers share one
 * set of buffers. Also the KV cache and the step array of generation.
 */
public final class InferenceBuffers {
    public final int maxT;
    public final IntArray tokens;     // (maxT) input ids (a prefill pads after the prompt)
    public final IntArray targets;    // (maxT) next-token ids, for the loss
    public final IntArray step;       // (2) [token id, position]: the decode step's token and position, or the prefill's last row
    public final IntArray noDropout;  // (StepSlots.INTS) all 0: the attention kernel's dropout state, threshold 0
    public final FloatArray x;        // (maxT, C) residual stream
    public final FloatArray h;        // (maxT, C) layer-norm output
    public final FloatArray mean;     // (maxT)
    public final FloatArray rstd;     // (maxT)
    public final FloatArray qkv;      // (maxT, 3C)
    public final FloatArray att;      // (NH, maxT, maxT): (NH, T, T) probabilities of a prefill, (NH, Tmax) scores of a decode step
    public final FloatArray y;        // (maxT, C) attention output
    public final FloatArray proj;     // (maxT, C) attention or MLP projection
    public final FloatArray fc;       // (maxT, 4C)
    public final FloatArray gelu;     // (maxT, 4C)
    public final FloatArray lastLogits; // (V) logits of one position
    public final FloatArray logits;   // (maxT, V) every position's logits: eval only, else null
    public final FloatArray probs;    // (maxT, V) eval only, else null
    public final FloatArray losses;   // (maxT)
    public final FloatArray loss;     // (1) mean of losses
    public final KvCache cache;       // generation only, else null

    /**
     * @param withLoss  allocate the (maxT, V) logits and probabilities of {@link InferenceGraphs#buildLoss}
     * @param withCache allocate a KV cache of the model's full context
     */
    public InferenceBuffers(GptConfig cfg, int maxT, boolean withLoss, boolean withCache) {
        if (maxT <= 0 || maxT > cfg.contextLength())
            throw new IllegalArgumentException("length " + maxT + " is outside [1, " + cfg.contextLength() + "]");
        this.maxT = maxT;
        long C = cfg.embDim(), V = cfg.vocabSize(), NH = cfg.nHeads();
        tokens = new IntArray(maxT);
        targets = new IntArray(maxT);
        step = new IntArray(2);
        noDropout = new IntArray(StepSlots.INTS);
        x = floats("x", maxT * C);
        h = floats("h", maxT * C);
        mean = floats("mean", maxT);
        rstd = floats("rstd", maxT);
        qkv = floats("qkv", maxT * 3 * C);
        att = floats("attention", NH * Math.max((long) maxT * maxT, withCache ? cfg.contextLength() : 0));
        y = floats("y", maxT * C);
        proj = floats("projection", maxT * C);
        fc = floats("fc", maxT * 4 * C);
        gelu = floats("gelu", maxT * 4 * C);
        lastLogits = floats("logits", V);
        logits = withLoss ? floats("logits", maxT * V) : null;
        probs = withLoss ? floats("probabilities", maxT * V) : null;
        losses = floats("losses", maxT);
        loss = floats("loss", 1);
        cache = withCache ? new KvCache(cfg) : null;
    }

    /** The buffers that stay on the device between the programs of a group (everything but host inputs and outputs). */
    public Object[] deviceResident() {
        java.util.List<Object> l = new java.util.ArrayList<>(java.util.List.of(x, h, mean, rstd, qkv, att, y, proj, fc, gelu, losses, noDropout));
        if (logits != null) l.addAll(java.util.List.of(logits, probs));
        if (cache != null) l.addAll(java.util.List.of(cache.keys, cache.values));
        return l.toArray();
    }

    private static FloatArray floats(String what, long n) {
        if (n > Integer.MAX_VALUE - 16)
            throw new IllegalArgumentException("inference buffer '" + what + "' would need " + n + " floats, more than one buffer holds; use a shorter context");
        return new FloatArray((int) Math.max(1, n));
    }
}
