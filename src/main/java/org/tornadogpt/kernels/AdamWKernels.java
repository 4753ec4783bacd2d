package org.tornadogpt.kernels;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/** AdamW over the flat parameter, gradient and moment buffers (one launch for the whole model). */
public final class AdamWKernels {
    private AdamWKernels() {}

    /**
     * One AdamW step, one thread per parameter (n = P), in torch.optim.AdamW's order:
     * <pre>
     * g = grad * gradScale                         (clip_grad_norm_ coefficient, 1 without clipping)
     * p = p * (1 - lr * wd)                        decoupled weight decay, on every parameter
     * m = beta1 * m + (1 - beta1) * g
     * v = beta2 * v + (1 - beta2) * g * g
     * p = p - (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
     * </pre>
     * The per-step factors come from {@code hyper} ({@link StepSlots}: DECAY, BETA1, BETA2, EPS,
     * STEP_SIZE, BC2_SQRT), computed on the host in double precision.
     *
     * @param params    (P)
     * @param m         (P) first moment
     * @param v         (P) second moment
     * @param grads     (P)
     * @param hyper     (FLOATS) per-step values
     * @param gradScale (2) [norm, scale] from {@link GradientKernels#clipScale}; only [1] is read
     */
    public static void update(int first, int count, FloatArray params, FloatArray m, FloatArray v, FloatArray grads,
                              FloatArray hyper, FloatArray gradScale) {
        for (@Parallel int i = 0; i < count; i++) {
            int idx = first + i;
            float beta1 = hyper.get(StepSlots.BETA1);
            float beta2 = hyper.get(StepSlots.BETA2);
            float g = grads.get(idx) * gradScale.get(1);
            float p = params.get(idx) * hyper.get(StepSlots.DECAY);
            float mi = beta1 * m.get(idx) + (1f - beta1) * g;
            float vi = beta2 * v.get(idx) + (1f - beta2) * g * g;
            float denom = TornadoMath.sqrt(vi) / hyper.get(StepSlots.BC2_SQRT) + hyper.get(StepSlots.EPS);
            params.set(idx, p - hyper.get(StepSlots.STEP_SIZE) * mi / denom);
            m.set(idx, mi);
            v.set(idx, vi);
        }
    }
}
