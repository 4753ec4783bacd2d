package org.tornadogpt.kernels;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/** Causal multi-head self-attention over a packed (q, k, v) buffer. */
public final class AttentionKernels {
    private AttentionKernels() {}

    /**
     * One thread per (b, h, t) query row: n = B*NH*T. Scores q.k / sqrt(hd) for t2 &lt;= t, softmax
     * over them (future positions get probability 0), then the weighted sum of values.
     *
     * @param out (B, T, C) at outOff; head h writes channels h*hd .. (h+1)*hd-1
     * @param att (B, NH, T, T) at attOff: the softmax probabilities, saved for backward
     * @param qkv (B, T, 3C) at qkvOff: q in channels 0..C-1, k in C..2C-1, v in 2C..3C-1
     */
    public static void forward(int first, int count, FloatArray out, int outOff, FloatArray att, int attOff,
                               FloatArray qkv, int qkvOff, int T, int C, int NH) {
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
                float acc = 0f;
                for (int t2 = 0; t2 <= t; t2++) {
                    acc += att.get(a + t2) * qkv.get(qkvOff + (b * T + t2) * 3 * C + 2 * C + h * hd + d);
                }
                out.set(o + d, acc);
            }
        }
    }
}
