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

    /**
     * loss[0] = mean of losses[b*T + t] over the window b &lt; ROWS, t &lt; COLS of {@code state}
     * ({@link StepSlots}), in row-major order: with the full window it sums exactly as
     * {@link #meanLoss}. Evaluating a (B', T') batch inside a (B, T) program is exact because
     * attention is causal: positions t &lt; T' never see the padding after them. One thread (n = 1).
     *
     * @param losses (B, T)
     */
    public static void meanLossWindow(int first, int count, FloatArray loss, FloatArray losses, IntArray state, int T) {
        for (@Parallel int i = 0; i < count; i++) {
            int rows = state.get(StepSlots.ROWS);
            int cols = state.get(StepSlots.COLS);
            float sum = 0f;
            for (int b = 0; b < rows; b++) {
                for (int t = 0; t < cols; t++) {
                    sum += losses.get(b * T + t);
                }
            }
            loss.set(first + i, sum / (rows * cols));
        }
    }

    /**
     * Fused softmax + mean cross-entropy backward: dlogits[r, v] = (probs[r, v] - [v == target[r]]) / N,
     * the gradient of the mean loss over N positions. Writes (=): the logits gradient has no other
     * contribution. One thread per element: n = N*V.
     *
     * @param dlogits (N, V); may be the logits buffer itself, which the backward no longer needs
     * @param probs   (N, V) saved by {@link #forward}
     * @param targets (N)
     */
    public static void backward(int first, int count, FloatArray dlogits, FloatArray probs, IntArray targets, int V, int N) {
        for (@Parallel int i = 0; i < count; i++) {
            int idx = first + i;
            int r = idx / V;
            int v = idx - r * V;
            float g = probs.get(idx);
            if (v == targets.get(r)) {
                g = g - 1f;
            }
            dlogits.set(idx, g / N);
        }
    }
}
