package org.tornadogpt.graphs;

import org.tornadogpt.model.GptConfig;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The keys and values of every position generated so far, per layer, for one sequence (batch 1),
 * plus the {@code step} array that tells the decode program which token to add at which position.
 * Written by the prefill program (positions 0..T-1) and extended one position per decode step.
 */
public final class KvCache {
    public final int L, Tmax, C;
    public final FloatArray keys;   // (L, Tmax, C)
    public final FloatArray values; // (L, Tmax, C)
    public final IntArray step;     // (2) token id, position of the next decode step

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
        step = new IntArray(2);
    }

    /** Element offset of layer l in {@link #keys} and {@link #values}. */
    public int layerOffset(int l) {
        return l * Tmax * C;
    }

    /** Sets the token and position of the next decode step. */
    public void setStep(int token, int position) {
        if (position < 0 || position >= Tmax)
            throw new IllegalArgumentException("position " + position + " is outside the context [0, " + Tmax + ")");
        step.set(0, token);
        step.set(1, position);
    }
}
