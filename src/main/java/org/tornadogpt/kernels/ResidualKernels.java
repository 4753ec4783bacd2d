package org.tornadogpt.kernels;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

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
}
