package org.tornadogpt.kernels;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Whole-buffer gradient operations: zeroing (the explicit first launch of every backward pass) and
 * the global L2 norm with PyTorch's {@code clip_grad_norm_} coefficient, computed without
 * {@code @Reduce}: per-block partial sums of squares, then one thread adds the partials.
 */
public final class GradientKernels {
    private GradientKernels() {}

    /** g[off + idx] = 0. One thread per element. */
    public static void zero(int first, int count, FloatArray g, int off) {
        for (@Parallel int i = 0; i < count; i++) {
            g.set(off + first + i, 0f);
        }
    }

    /**
     * Zeroes runs of g: run r is {@code runs[2r]} (offset) and {@code runs[2r + 1]} (length), for r
     * &lt; nRuns, in ascending order. One thread per zeroed element: count = the sum of the lengths;
     * element idx belongs to the run where the lengths before it add up past idx. (The backward
     * pass zeroes the gradients it accumulates into, about fifty runs between the weight matrices,
     * in one launch.)
     */
    public static void zeroRuns(int first, int count, FloatArray g, IntArray runs, int nRuns) {
        for (@Parallel int i = 0; i < count; i++) {
            int idx = first + i;
            int r = 0;
            int start = 0;
            while (r < nRuns - 1 && idx >= start + runs.get(2 * r + 1)) {
                start += runs.get(2 * r + 1);
                r++;
            }
            g.set(runs.get(2 * r) + idx - start, 0f);
        }
    }

    /**
     * partials[k] = sum of g[j]^2 over block k = [k*n/blocks, (k+1)*n/blocks). One thread per block:
     * n = blocks. Contiguous blocks keep each thread on consecutive memory.
     *
     * @param partials (blocks)
     * @param g        (n) the gradient buffer
     */
    public static void normPartials(int first, int count, FloatArray partials, FloatArray g, int n, int blocks) {
        for (@Parallel int i = 0; i < count; i++) {
            int k = first + i;
            int from = (int) ((long) n * k / blocks);
            int to = (int) ((long) n * (k + 1) / blocks);
            float sum = 0f;
            for (int j = from; j < to; j++) {
                float x = g.get(j);
                sum += x * x;
            }
            partials.set(k, sum);
        }
    }

    /**
     * One thread (n = 1): norm[0] = sqrt(sum of partials), the global L2 norm of the gradients;
     * norm[1] = the factor AdamW multiplies every gradient by: min(1, maxNorm / (norm + 1e-6)) as
     * torch.nn.utils.clip_grad_norm_, or 1 when MAX_NORM &lt;= 0 (no clipping).
     *
     * @param norm     (2)
     * @param partials (blocks)
     * @param hyper    per-step floats ({@link StepSlots}): MAX_NORM
     */
    public static void clipScale(int first, int count, FloatArray norm, FloatArray partials, int blocks, FloatArray hyper) {
        for (@Parallel int i = 0; i < count; i++) {
            float sum = 0f;
            for (int k = 0; k < blocks; k++) {
                sum += partials.get(k);
            }
            float total = TornadoMath.sqrt(sum);
            float maxNorm = hyper.get(StepSlots.MAX_NORM);
            float scale = 1f;
            if (maxNorm > 0f) {
                scale = TornadoMath.min(1f, maxNorm / (total + 1e-6f));
            }
            norm.set(0, total);
            norm.set(1, scale);
        }
    }
}
