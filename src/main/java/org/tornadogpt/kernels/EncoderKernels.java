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
}
