package org.tornadogpt.kernels;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/** Token + position embedding. */
public final class EncoderKernels {
    private EncoderKernels() {}

    /**
     * out[b,t,:] = wte[tokens[b,t], :] + wpe[t, :]. One thread per output element: n = B*T*C.
     *
     * @param out    (B, T, C)
     * @param tokens (B, T)
     * @param params wte (V, C) at wteOff, wpe (Tmax, C) at wpeOff
     */
    public static void forward(int first, int count, FloatArray out, IntArray tokens, FloatArray params,
                               int wteOff, int wpeOff, int T, int C) {
        for (@Parallel int i = 0; i < count; i++) {
            int idx = first + i;
            int bt = idx / C;
            int c = idx - bt * C;
            int t = bt % T;
            int tok = tokens.get(bt);
            out.set(idx, params.get(wteOff + tok * C + c) + params.get(wpeOff + t * C + c));
        }
    }

    /**
     * Token-embedding gradient: dwte[tokens[bt], c] += dout[bt, c] for every position bt. Threads
     * own channels (n = C) and walk the positions in order, so repeated tokens add into the same
     * row without any two threads touching one element (no atomics, deterministic order).
     *
     * @param grads  gradient buffer, dwte (V, C) at wteOff
     * @param dout   (B*T, C) gradient of the embedding sum (after dropout's backward)
     * @param tokens (B*T)
     */
    public static void backwardWte(int first, int count, FloatArray grads, int wteOff, FloatArray dout, IntArray tokens,
                                   int BT, int C) {
        for (@Parallel int i = 0; i < count; i++) {
            int c = first + i;
            for (int bt = 0; bt < BT; bt++) {
                int g = wteOff + tokens.get(bt) * C + c;
                grads.set(g, grads.get(g) + dout.get(bt * C + c));
            }
        }
    }

    /**
     * Position-embedding gradient: dwpe[t, c] += sum over b of dout[b, t, c]. One thread per
     * element of the used rows: n = T*C (rows T..Tmax-1 are untouched: their gradient is 0).
     *
     * @param grads gradient buffer, dwpe (Tmax, C) at wpeOff
     * @param dout  (B, T, C)
     */
    public static void backwardWpe(int first, int count, FloatArray grads, int wpeOff, FloatArray dout, int B, int T, int C) {
        for (@Parallel int i = 0; i < count; i++) {
            int tc = first + i;
            float sum = 0f;
            for (int b = 0; b < B; b++) {
                sum += dout.get(b * T * C + tc);
            }
            grads.set(wpeOff + tc, grads.get(wpeOff + tc) + sum);
        }
    }
}
