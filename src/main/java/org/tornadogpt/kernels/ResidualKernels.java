package org.tornadogpt.kernels;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/** Residual connection: out = a + b. */
public final class ResidualKernels {
    private ResidualKernels() {}

    /** Elementwise, one thread per element. */
    public static void forward(int first, int count, FloatArray out, int outOff, FloatArray a, int aOff,
                               FloatArray b, int bOff) {
        for (@Parallel int i = 0; i < count; i++) {
            int idx = first + i;
            out.set(outOff + idx, a.get(aOff + idx) + b.get(bOff + idx));
        }
    }

    /**
     * In place: x += b (the inference programs' residual stream, one buffer for every layer). A
     * separate kernel rather than {@code forward(x, x, b)}: TornadoVM 5.2 cannot schedule a task
     * that writes a buffer and reads it again through a later argument (its graph compiler makes the
     * task depend on itself and loops forever), so a launch never passes one buffer twice. One
     * thread per element.
     */
    public static void accumulate(int first, int count, FloatArray x, int xOff, FloatArray b, int bOff) {
        for (@Parallel int i = 0; i < count; i++) {
            int idx = first + i;
            x.set(xOff + idx, x.get(xOff + idx) + b.get(bOff + idx));
        }
    }

    /**
     * Training form: out = a + dropout(b), the branch b (an output projection) dropped with the
     * mask of {@code site} at this step ({@link DropoutKernels}). One thread per element.
     */
    public static void forwardDropout(int first, int count, FloatArray out, int outOff, FloatArray a, int aOff,
                                      FloatArray b, int bOff, IntArray state, int site) {
        for (@Parallel int i = 0; i < count; i++) {
            int idx = first + i;
            out.set(outOff + idx, a.get(aOff + idx) + b.get(bOff + idx) * DropoutKernels.keepScale(state, site, idx));
        }
    }

    /**
     * Backward of out = a + dropout(b): the gradient of the skip input a is dout itself (the backward
     * keeps one residual-stream gradient buffer and accumulates into it in place), so this writes
     * only the branch gradient dBranch = dout * mask / (1 - p), a copy when dropout is off. Writes
     * (=) into a per-layer scratch buffer. One thread per element.
     *
     * @param dBranch (n) gradient of b
     * @param dOut    (n) gradient of out
     */
    public static void backward(int first, int count, FloatArray dBranch, FloatArray dOut, IntArray state, int site) {
        for (@Parallel int i = 0; i < count; i++) {
            int idx = first + i;
            dBranch.set(idx, dOut.get(idx) * DropoutKernels.keepScale(state, site, idx));
        }
    }
}
