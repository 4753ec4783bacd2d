package org.tornadogpt.graphs;

import org.tornadogpt.kernels.StepSlots;
import org.tornadogpt.model.ParameterLayout;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The training state beside the parameters: gradients and AdamW moments (one flat buffer each, in
 * the {@link ParameterLayout}), the scratch of the gradient-norm computation, and the two small
 * per-step arrays ({@link StepSlots}) the host rewrites before every run.
 */
public final class TrainingBuffers {
    /** Blocks of the gradient-norm partial sums (threads of the first norm kernel). */
    public static final int NORM_BLOCKS = 1024;

    public final FloatArray grads;    // (P)
    public final FloatArray m;        // (P) AdamW first moment
    public final FloatArray v;        // (P) AdamW second moment
    public final FloatArray partials; // (NORM_BLOCKS) sums of squared gradients per block
    public final FloatArray norm;     // (2) [global gradient L2 norm, factor applied to the gradients]
    public final IntArray ints;       // (StepSlots.INTS) step, dropout seed and threshold, evaluation window
    public final FloatArray floats;   // (StepSlots.FLOATS) AdamW hyper-parameters of this step
    public final IntArray zeroRuns;   // (2 * runs) {offset, length} of the gradient runs the backward pass zeroes
    public final int zeroCount;       // their total length

    public TrainingBuffers(ParameterLayout layout) {
        int P = layout.size();
        grads = new FloatArray(P);
        m = new FloatArray(P);
        v = new FloatArray(P);
        partials = new FloatArray(NORM_BLOCKS);
        norm = new FloatArray(2);
        norm.set(1, 1f);
        ints = new IntArray(StepSlots.INTS);
        floats = new FloatArray(StepSlots.FLOATS);
        int[][] runs = BackwardGraph.accumulated(layout);
        zeroRuns = new IntArray(Math.max(2, 2 * runs.length)); // an empty IntArray is not allowed
        int total = 0;
        for (int r = 0; r < runs.length; r++) {
            zeroRuns.set(2 * r, runs[r][0]);
            zeroRuns.set(2 * r + 1, runs[r][1]);
            total += runs[r][1];
        }
        zeroCount = total;
    }
}
