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

    /**
     * Input gradient: dinp[r, c] = sum_o dout[r, o] * W[o, c]. One thread per element: n = N*C.
     * Writes (=): every input of a dense layer here feeds only that layer, so this is the whole
     * gradient (a per-layer scratch buffer, not accumulated).
     *
     * @param dinp   (N, C) at dinpOff
     * @param dout   (N, OC) at doutOff
     * @param params W (OC, C) at wOff
     */
    public static void backwardInput(int first, int count, FloatArray dinp, int dinpOff, FloatArray dout, int doutOff,
                                     FloatArray params, int wOff, int C, int OC) {
        for (@Parallel int i = 0; i < count; i++) {
            int idx = first + i;
            int r = idx / C;
            int c = idx - r * C;
            int d = doutOff + r * OC;
            float acc = 0f;
            for (int o = 0; o < OC; o++) {
                acc += dout.get(d + o) * params.get(wOff + o * C + c);
            }
            dinp.set(dinpOff + idx, acc);
        }
    }

    /**
     * Weight gradient: dW[o, c] += sum_r dout[r, o] * inp[r, c]. One thread per weight: n = OC*C,
     * each summing over the N rows, so no two threads write one element.
     *
     * @param grads gradient buffer, dW (OC, C) at wOff
     * @param dout  (N, OC) at doutOff
     * @param inp   (N, C) at inpOff, the forward input
     */
    public static void backwardWeight(int first, int count, FloatArray grads, int wOff, FloatArray dout, int doutOff,
                                      FloatArray inp, int inpOff, int N, int C, int OC) {
        for (@Parallel int i = 0; i < count; i++) {
            int idx = first + i;
            grads.set(wOff + idx, grads.get(wOff + idx) + weightGradient(dout, doutOff, inp, inpOff, N, C, OC, idx));
        }
    }

    /**
     * Weight gradient that overwrites: dW[o, c] = sum_r dout[r, o] * inp[r, c] (same parameters as
     * {@link #backwardWeight}). The backward graph uses it for each weight's first and only
     * contribution, so the gradient is not read (GPT-2's tied token embedding gets the LM head's
     * product this way and the embedding's rows added afterwards).
     */
    public static void backwardWeightSet(int first, int count, FloatArray grads, int wOff, FloatArray dout, int doutOff,
                                         FloatArray inp, int inpOff, int N, int C, int OC) {
        for (@Parallel int i = 0; i < count; i++) {
            int idx = first + i;
            grads.set(wOff + idx, weightGradient(dout, doutOff, inp, inpOff, N, C, OC, idx));
        }
    }

    /** sum_r dout[r, o] * inp[r, c] for the weight idx = o * C + c (called from kernels, inlined). */
    public static float weightGradient(FloatArray dout, int doutOff, FloatArray inp, int inpOff, int N, int C, int OC, int idx) {
        int o = idx / C;
        int c = idx - o * C;
        float acc = 0f;
        for (int r = 0; r < N; r++) {
            acc += dout.get(doutOff + r * OC + o) * inp.get(inpOff + r * C + c);
        }
        return acc;
    }

    /**
     * Bias gradient: db[o] += sum_r dout[r, o]. One thread per output channel: n = OC.
     *
     * @param grads gradient buffer, db (OC) at bOff
     * @param dout  (N, OC) at doutOff
     */
    public static void backwardBias(int first, int count, FloatArray grads, int bOff, FloatArray dout, int doutOff, int N, int OC) {
        for (@Parallel int i = 0; i < count; i++) {
            int o = first + i;
            float acc = 0f;
            for (int r = 0; r < N; r++) {
                acc += dout.get(doutOff + r * OC + o);
            }
            grads.set(bOff + o, grads.get(bOff + o) + acc);
        }
    }
}
