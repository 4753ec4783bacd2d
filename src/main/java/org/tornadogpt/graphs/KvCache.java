package org.tornadogpt.graphs;

import org.tornadogpt.model.GptConfig;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * The keys and values of every position of the current context, per layer, for one sequence
 * (batch 1). A prefill writes positions 0..T-1; each decode step adds one position. Head h is in
 * channels h*hd .. (h+1)*hd-1, as in the packed q/k/v rows.
 */
public final class KvCache {
    public final int L, Tmax, C;
    public final FloatArray keys;   // (L, Tmax, C)
    public final FloatArray values; // (L, Tmax, C)

    public KvCache(GptConfig cfg) {
        L = cfg.nLayers();
        Tmax = cfg.contextLength();
        C = cfg.embDim();
        long n = (long) L * Tmax * C;
        if (n > Integer.MAX_VALUE - 16)
            throw new IllegalArgumentException("a KV cache of " + L + " layers x " + Tmax + " positions x " + C
                    + " channels does not fit one buffer; generate without the KV cache");
        keys = new FloatArray((int) Math.max(1, n));
        values = new FloatArray((int) Math.max(1, n));
    }

    /** Element offset of layer l in {@link #keys} and {@link #values}. */
    public int layerOffset(int l) {
        return l * Tmax * C;
    }
}
