package org.tornadogpt.kernels;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/** GELU, tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
public final class GeluKernels {
    private GeluKernels() {}

    /** sqrt(2 / pi). */
    public static final float SCALE = 0.7978845608028654f;

    /** Elementwise, one thread per element. out (n) at outOff, inp (n) at inpOff. */
    public static void forward(int first, int count, FloatArray out, int outOff, FloatArray inp, int inpOff) {
        for (@Parallel int i = 0; i < count; i++) {
            int idx = first + i;
            float x = inp.get(inpOff + idx);
            float u = 0.7978845608028654f * (x + 0.044715f * x * x * x);
            out.set(outOff + idx, 0.5f * x * (1f + TornadoMath.tanh(u)));
        }
    }

    /**
     * In place: d[dOff + idx] *= GELU'(inp[inpOff + idx]), turning the gradient of the GELU output
     * into the gradient of its input (the tanh form's exact derivative). One thread per element.
     *
     * @param d   (n) gradient of the GELU output on entry, of its input on exit
     * @param inp (n) the GELU input saved by the forward pass
     */
    public static void backward(int first, int count, FloatArray d, int dOff, FloatArray inp, int inpOff) {
        for (@Parallel int i = 0; i < count; i++) {
            int idx = first + i;
            float x = inp.get(inpOff + idx);
            float u = 0.7978845608028654f * (x + 0.044715f * x * x * x);
            float th = TornadoMath.tanh(u);
            float du = 0.7978845608028654f * (1f + 3f * 0.044715f * x * x);
            float grad = 0.5f * (1f + th) + 0.5f * x * (1f - th * th) * du;
            d.set(dOff + idx, d.get(dOff + idx) * grad);
        }
    }
}
