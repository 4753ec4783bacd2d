package org.tornadogpt.kernels;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/** Causal multi-head self-attention over a packed (q, k, v) buffer. */
public final class AttentionKernels {
    private AttentionKernels() {}

    /**
     * One thread per (b, h, t) query row: n = B*NH*T. Scores q.k / sqrt(hd) for t2 &lt;= t, softmax
     * over them (future positions get probability 0), then the weighted sum of values, with
     * dropout on the weights: the output uses att[t2] * keepScale(site, row*T + t2)
     * ({@link DropoutKernels}), while {@code att} keeps the undropped probabilities (the softmax
     * backward needs them). With DROP_THRESHOLD 0 in {@code state} (inference, evaluation, rate 0)
     * every keepScale is exactly 1 and the output is the plain attention, bit for bit.
     *
     * @param out   (B, T, C) at outOff; head h writes channels h*hd .. (h+1)*hd-1
     * @param att   (B, NH, T, T) at attOff: the softmax probabilities, saved for backward
     * @param qkv   (B, T, 3C) at qkvOff: q in channels 0..C-1, k in C..2C-1, v in 2C..3C-1
     * @param state per-step values ({@link StepSlots}): dropout threshold, step and seed
     * @param site  dropout site ({@link DropoutKernels#attentionSite})
     */
    public static void forward(int first, int count, FloatArray out, int outOff, FloatArray att, int attOff,
                               FloatArray qkv, int qkvOff, IntArray state, int site, int T, int C, int NH) {
        for (@Parallel int i = 0; i < count; i++) {
            int row = first + i;           // ((b * NH) + h) * T + t
            int t = row % T;
            int bh = row / T;
            int h = bh % NH;
            int b = bh / NH;
            int hd = C / NH;
            float scale = 1f / TornadoMath.sqrt((float) hd);
            int q = qkvOff + (b * T + t) * 3 * C + h * hd;
            int a = attOff + row * T;
            float max = -3.4028235e38f;
            for (int t2 = 0; t2 <= t; t2++) {
                int k = qkvOff + (b * T + t2) * 3 * C + C + h * hd;
                float s = 0f;
                for (int d = 0; d < hd; d++) {
                    s += qkv.get(q + d) * qkv.get(k + d);
                }
                s = s * scale;
                att.set(a + t2, s);
                max = TornadoMath.max(max, s);
            }
            float sum = 0f;
            for (int t2 = 0; t2 <= t; t2++) {
                float e = TornadoMath.exp(att.get(a + t2) - max);
                att.set(a + t2, e);
                sum += e;
            }
            float inv = 1f / sum;
            for (int t2 = 0; t2 < T; t2++) {
                if (t2 <= t) {
                    att.set(a + t2, att.get(a + t2) * inv);
                } else {
                    att.set(a + t2, 0f);
                }
            }
            int o = outOff + (b * T + t) * C + h * hd;
            for (int d = 0; d < hd; d++) {
                out.set(o + d, 0f);
            }
            for (int t2 = 0; t2 <= t; t2++) {
                float p = att.get(a + t2) * DropoutKernels.keepScale(state, site, row * T + t2);
                int v = qkvOff + (b * T + t2) * 3 * C + 2 * C + h * hd;
                for (int d = 0; d < hd; d++) {
                    out.set(o + d, out.get(o + d) + p * qkv.get(v + d));
                }
            }
        }
    }

    /**
     * Attention backward, part 1: one thread per query row (b, h, t), n = B*NH*T. With dy the
     * gradient of the head output and P the saved probabilities:
     * <pre>
     * dP[t2]  = keepScale(t2) * (dy[t] . v[t2])                    t2 &lt;= t (through dropout)
     * dS[t2]  = P[t2] * (dP[t2] - sum_j P[j] dP[j]) / sqrt(hd)     softmax backward, causal: 0 for t2 &gt; t
     * dq[t]   = sum_t2 dS[t2] k[t2]
     * </pre>
     * dS is stored in the scratch {@code dpreatt} for part 2 ({@link #backwardKey}); dq is written
     * (=) into the q channels of {@code dqkv}.
     *
     * @param dqkv    (B, T, 3C) per-layer scratch; this kernel writes channels 0..C-1
     * @param dpreatt (B, NH, T, T) per-layer scratch, gradient of the scaled-dot-product inputs q.k
     * @param att     (B, NH, T, T) at attOff, probabilities saved by the forward pass
     * @param dout    (B, T, C) gradient of the attention output (per-layer scratch)
     * @param qkv     (B, T, 3C) at qkvOff, saved by the forward pass
     */
    public static void backwardQuery(int first, int count, FloatArray dqkv, FloatArray dpreatt, FloatArray att, int attOff,
                                     FloatArray dout, FloatArray qkv, int qkvOff, IntArray state, int site, int T, int C, int NH) {
        for (@Parallel int i = 0; i < count; i++) {
            int row = first + i;
            int t = row % T;
            int bh = row / T;
            int h = bh % NH;
            int b = bh / NH;
            int hd = C / NH;
            float scale = 1f / TornadoMath.sqrt((float) hd);
            int a = attOff + row * T;
            int ds = row * T;
            int dy = (b * T + t) * C + h * hd;
            float dot = 0f;
            for (int t2 = 0; t2 <= t; t2++) {
                int v = qkvOff + (b * T + t2) * 3 * C + 2 * C + h * hd;
                float g = 0f;
                for (int d = 0; d < hd; d++) {
                    g += dout.get(dy + d) * qkv.get(v + d);
                }
                g = g * DropoutKernels.keepScale(state, site, row * T + t2);
                dpreatt.set(ds + t2, g);
                dot += att.get(a + t2) * g;
            }
            for (int t2 = 0; t2 < T; t2++) {
                if (t2 <= t) {
                    dpreatt.set(ds + t2, att.get(a + t2) * (dpreatt.get(ds + t2) - dot) * scale);
                } else {
                    dpreatt.set(ds + t2, 0f);
                }
            }
            int dq = (b * T + t) * 3 * C + h * hd;
            for (int d = 0; d < hd; d++) {
                dqkv.set(dq + d, 0f);
            }
            for (int t2 = 0; t2 <= t; t2++) {
                float w = dpreatt.get(ds + t2);
                int k = qkvOff + (b * T + t2) * 3 * C + C + h * hd;
                for (int d = 0; d < hd; d++) {
                    dqkv.set(dq + d, dqkv.get(dq + d) + w * qkv.get(k + d));
                }
            }
        }
    }

    /**
     * Attention backward, part 2: one thread per key row (b, h, t2), n = B*NH*T, summing over the
     * query rows t &gt;= t2 that attend to it, so no two threads write one element:
     * <pre>
     * dk[t2] = sum_t dS[t, t2] q[t]
     * dv[t2] = sum_t keepScale(t, t2) P[t, t2] dy[t]
     * </pre>
     * Writes (=) the k and v channels of {@code dqkv}. Runs after {@link #backwardQuery}.
     */
    public static void backwardKey(int first, int count, FloatArray dqkv, FloatArray dpreatt, FloatArray att, int attOff,
                                   FloatArray dout, FloatArray qkv, int qkvOff, IntArray state, int site, int T, int C, int NH) {
        for (@Parallel int i = 0; i < count; i++) {
            int row = first + i;          // ((b * NH) + h) * T + t2
            int t2 = row % T;
            int bh = row / T;
            int h = bh % NH;
            int b = bh / NH;
            int hd = C / NH;
            int dk = (b * T + t2) * 3 * C + C + h * hd;
            int dv = dk + C;
            for (int d = 0; d < hd; d++) {
                dqkv.set(dk + d, 0f);
                dqkv.set(dv + d, 0f);
            }
            for (int t = t2; t < T; t++) {
                int qrow = bh * T + t;
                float w = dpreatt.get(qrow * T + t2);
                float p = att.get(attOff + qrow * T + t2) * DropoutKernels.keepScale(state, site, qrow * T + t2);
                int q = qkvOff + (b * T + t) * 3 * C + h * hd;
                int dy = (b * T + t) * C + h * hd;
                for (int d = 0; d < hd; d++) {
                    dqkv.set(dk + d, dqkv.get(dk + d) + w * qkv.get(q + d));
                    dqkv.set(dv + d, dqkv.get(dv + d) + p * dout.get(dy + d));
                }
            }
        }
    }
}
