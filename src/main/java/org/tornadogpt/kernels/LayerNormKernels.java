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

    /**
     * Input gradient, one thread per row (n = N): with n = (x - mean) * rstd and dn = dout * weight,
     * dinp += rstd * (dn - mean(dn) - n * mean(dn * n)). Accumulates (+=): the input is the residual
     * stream, whose gradient already holds the skip path's contribution.
     *
     * @param dinp   (N, C) at dinpOff
     * @param dout   (N, C) at doutOff, gradient of the layer-norm output
     * @param mean   (N) at statOff, saved by forward
     * @param rstd   (N) at statOff, saved by forward
     * @param inp    (N, C) at inpOff, the forward input
     * @param params weight (C) at wOff
     */
    public static void backwardInput(int first, int count, FloatArray dinp, int dinpOff, FloatArray dout, int doutOff,
                                     FloatArray mean, FloatArray rstd, int statOff, FloatArray inp, int inpOff,
                                     FloatArray params, int wOff, int C) {
        for (@Parallel int i = 0; i < count; i++) {
            int r = first + i;
            float m = mean.get(statOff + r);
            float s = rstd.get(statOff + r);
            int x = inpOff + r * C;
            int o = doutOff + r * C;
            float sumD = 0f;
            float sumDN = 0f;
            for (int c = 0; c < C; c++) {
                float n = (inp.get(x + c) - m) * s;
                float dn = dout.get(o + c) * params.get(wOff + c);
                sumD += dn;
                sumDN += dn * n;
            }
            float meanD = sumD / C;
            float meanDN = sumDN / C;
            int di = dinpOff + r * C;
            for (int c = 0; c < C; c++) {
                float n = (inp.get(x + c) - m) * s;
                float dn = dout.get(o + c) * params.get(wOff + c);
                dinp.set(di + c, dinp.get(di + c) + s * (dn - meanD - n * meanDN));
            }
        }
    }

    /**
     * Weight and bias gradients, one thread per channel (n = C), summing over the N rows:
     * dweight[c] += sum dout * n, dbias[c] += sum dout. Channels never collide, so no atomics.
     *
     * @param grads gradient buffer: dweight (C) at wOff, dbias (C) at bOff
     */
    public static void backwardParams(int first, int count, FloatArray grads, int wOff, int bOff, FloatArray dout, int doutOff,
                                      FloatArray mean, FloatArray rstd, int statOff, FloatArray inp, int inpOff, int N, int C) {
        for (@Parallel int i = 0; i < count; i++) {
            int c = first + i;
            float sw = 0f;
            float sb = 0f;
            for (int r = 0; r < N; r++) {
                float n = (inp.get(inpOff + r * C + c) - mean.get(statOff + r)) * rstd.get(statOff + r);
                float d = dout.get(doutOff + r * C + c);
                sw += d * n;
                sb += d;
            }
            grads.set(wOff + c, grads.get(wOff + c) + sw);
            grads.set(bOff + c, grads.get(bOff + c) + sb);
        }
    }
}
