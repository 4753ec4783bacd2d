package org.tornadogpt.kernels;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/** Layer norm over the last dimension, eps 1e-5, biased variance (as torch.nn.LayerNorm). */
public final class LayerNormKernels {
    private LayerNormKernels() {}

    public static final float EPS = 1e-5f;

    /**
     * One thread per row: n = B*T rows. Saves mean and 1/std for the backward pass.
     *
     * @param out    (N, C) at outOff
     * @param mean   (N) at statOff
     * @param rstd   (N) at statOff
     * @param inp    (N, C) at inpOff
     * @param params weight (C) at wOff, bias (C) at bOff
     */
    public static void forward(int first, int count, FloatArray out, int outOff, FloatArray mean, FloatArray rstd,
                               int statOff, FloatArray inp, int inpOff, FloatArray params, int wOff, int bOff, int C) {
        for (@Parallel int i = 0; i < count; i++) {
            int r = first + i;
            int x = inpOff + r * C;
            float sum = 0f;
            for (int c = 0; c < C; c++) {
                sum += inp.get(x + c);
            }
            float m = sum / C;
            float var = 0f;
            for (int c = 0; c < C; c++) {
                float d = inp.get(x + c) - m;
                var += d * d;
            }
            float s = 1f / TornadoMath.sqrt(var / C + 1e-5f);
            int o = outOff + r * C;
            for (int c = 0; c < C; c++) {
                float n = (inp.get(x + c) - m) * s;
                out.set(o + c, n * params.get(wOff + c) + params.get(bOff + c));
            }
            mean.set(statOff + r, m);
            rstd.set(statOff + r, s);
        }
    }
}
