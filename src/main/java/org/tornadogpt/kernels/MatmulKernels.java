package org.tornadogpt.kernels;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/** Dense layer: out = inp W^T + b with W stored (OC, C) in the parameter buffer. */
public final class MatmulKernels {
    private MatmulKernels() {}

    /**
     * out[r, o] = b[o] + sum_c inp[r, c] * W[o, c]. One thread per output element: n = N*OC.
     *
     * @param out    (N, OC) at outOff
     * @param inp    (N, C) at inpOff
     * @param params W (OC, C) at wOff, bias (OC) at bOff, or bOff &lt; 0 for none
     */
    public static void forward(int first, int count, FloatArray out, int outOff, FloatArray inp, int inpOff,
                               FloatArray params, int wOff, int bOff, int C, int OC) {
        for (@Parallel int i = 0; i < count; i++) {
            int idx = first + i;
            int r = idx / OC;
            int o = idx - r * OC;
            int x = inpOff + r * C;
            int w = wOff + o * C;
            float acc = 0f;
            for (int c = 0; c < C; c++) {
                acc += inp.get(x + c) * params.get(w + c);
            }
            if (bOff >= 0) {
                acc += params.get(bOff + o);
            }
            out.set(outOff + idx, acc);
        }
    }
}
