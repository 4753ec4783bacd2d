package org.tornadogpt.kernels;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/** Softmax over the vocabulary and the mean cross-entropy loss. */
public final class CrossEntropyKernels {
    private CrossEntropyKernels() {}

    /**
     * One thread per position: n = B*T. probs = softmax(logits); losses[r] = -log probs[r, target].
     *
     * @param probs   (N, V)
     * @param losses  (N)
     * @param logits  (N, V)
     * @param targets (N)
     */
    public static void forward(int first, int count, FloatArray probs, FloatArray losses, FloatArray logits,
                               IntArray targets, int V) {
        for (@Parallel int i = 0; i < count; i++) {
            int r = first + i;
            int base = r * V;
            float max = -3.4028235e38f;
            for (int v = 0; v < V; v++) {
                max = TornadoMath.max(max, logits.get(base + v));
            }
            float sum = 0f;
            for (int v = 0; v < V; v++) {
                float e = TornadoMath.exp(logits.get(base + v) - max);
                probs.set(base + v, e);
                sum += e;
            }
            float inv = 1f / sum;
            for (int v = 0; v < V; v++) {
                probs.set(base + v, probs.get(base + v) * inv);
            }
            int tgt = targets.get(r);
            // log-sum-exp form: exact even when the target's probability underflows
            losses.set(r, max + TornadoMath.log(sum) - logits.get(base + tgt));
        }
    }

    /** loss[0] = mean of losses[0..N). A single thread (n = 1): a plain loop, no @Reduce. */
    public static void meanLoss(int first, int count, FloatArray loss, FloatArray losses, int N) {
        for (@Parallel int i = 0; i < count; i++) {
            float sum = 0f;
            for (int r = 0; r < N; r++) {
                sum += losses.get(r);
            }
            loss.set(first + i, sum / N);
        }
    }
}
