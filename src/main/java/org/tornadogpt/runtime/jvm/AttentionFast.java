package org.tornadogpt.runtime.jvm;

import static org.tornadogpt.runtime.jvm.VectorKernels.F;
import static org.tornadogpt.runtime.jvm.VectorKernels.L;
import static org.tornadogpt.runtime.jvm.VectorKernels.S;

import java.lang.foreign.MemorySegment;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Causal multi-head attention for one (batch row, head) at a time, as small matrix products on
 * heap scratch: the head's q, k, v (and gradients) are copied out of the strided (B, T, 3C)
 * buffers into dense, zero-padded arrays, so the inner loops are register-blocked Vector API
 * kernels: {@code S = Q K^T} (4 rows x 2 vectors of scores, K transposed) and {@code Y = A B}
 * (4 rows x 2 vectors of head channels, A read with any strides, so {@code dK = dS^T Q} needs no
 * transposed copy). Computes exactly what AttentionKernels.forward /
 * backwardQuery / backwardKey compute, including the probabilities and score gradients they save,
 * up to the summation order.
 *
 * <p>One instance per worker thread (the scratch); {@link #ensure} sizes it.
 */
final class AttentionFast {
    private int T, hd, Tp, Tr, hdp;
    private float[] q, kt, vp, s, p, y, keep;

    /** Makes the scratch large enough for sequence length T and head size hd. */
    void ensure(int T, int hd) {
        shape(T, hd);
        int mat = Math.max(Tr, Tp) * Tp;
        int rows = Math.max(Tr, Tp) * Math.max(hdp, hd);
        if (s == null || s.length < mat) {
            s = new float[mat];
            p = new float[mat];
        }
        if (q == null || q.length < rows) {
            q = new float[rows];
            vp = new float[rows];
            y = new float[rows];
        }
        if (kt == null || kt.length < hdp * Tp) kt = new float[hdp * Tp];
        if (keep == null || keep.length < Tp) keep = new float[Tp];
    }

    private void shape(int T, int hd) {
        this.T = T;
        this.hd = hd;
        Tp = roundUp(T, L);
        Tr = roundUp(T, 4);
        hdp = roundUp(hd, L);
    }

    static int roundUp(int x, int m) {
        return (x + m - 1) / m * m;
    }

    // ------------------------------------------------------------------------------------------
    // copies between the strided buffers and the dense scratch
    // ------------------------------------------------------------------------------------------

    /** dst[t*ld + d] = src[off + t*stride + d] for t < T, d < hd; zero for t in [T, rows) and d in [hd, ld). */
    private void gatherRows(MemorySegment src, long off, long stride, float[] dst, int ld, int rows) {
        for (int t = 0; t < T; t++) {
            MemorySegment.copy(src, F, (off + t * stride) * Float.BYTES, dst, t * ld, hd);
            for (int d = hd; d < ld; d++) dst[t * ld + d] = 0f;
        }
        java.util.Arrays.fill(dst, T * ld, rows * ld, 0f);
    }

    /** dst[d*Tp + t] = src[off + t*stride + d] (transposed), zero for t in [T, Tp). */
    private void gatherTransposed(MemorySegment src, long off, long stride, float[] dst, float[] tmp) {
        for (int t = 0; t < T; t++) {
            MemorySegment.copy(src, F, (off + t * stride) * Float.BYTES, tmp, 0, hd);
            for (int d = 0; d < hd; d++) dst[d * Tp + t] = tmp[d];
        }
        for (int d = 0; d < hd; d++) java.util.Arrays.fill(dst, d * Tp + T, d * Tp + Tp, 0f);
    }

    /** dst[t*Tp + t2] = src[off + t*T + t2] for t < T, t2 < T; zero padding to Tr rows and Tp columns. */
    private void gatherSquare(MemorySegment src, long off, float[] dst) {
        for (int t = 0; t < T; t++) {
            MemorySegment.copy(src, F, (off + (long) t * T) * Float.BYTES, dst, t * Tp, T);
            java.util.Arrays.fill(dst, t * Tp + T, t * Tp + Tp, 0f);
        }
        java.util.Arrays.fill(dst, T * Tp, Math.max(Tr, Tp) * Tp, 0f);
    }

    private void scatterRows(float[] src, int ld, MemorySegment dst, long off, long stride) {
        for (int t = 0; t < T; t++) MemorySegment.copy(src, t * ld, dst, F, (off + t * stride) * Float.BYTES, hd);
    }

    // ------------------------------------------------------------------------------------------
    // micro-kernels
    // ------------------------------------------------------------------------------------------

    /**
     * out[r*ldo + j] = sum_{k in [k0, k1)} a[(r0+r)*ars + k*acs] * b[k*ldb + j] for r < 4 and
     * j in [0, ncols) (ncols a multiple of L): four rows of a strided A times B, two vectors of
     * columns at a time (one for an odd tail).
     */
    private static void ab4(float[] a, int r0, int ars, int acs, int k0, int k1, float[] b, int ldb, int ncols, float[] out, int oOff, int ldo) {
        int a0 = r0 * ars, a1 = a0 + ars, a2 = a1 + ars, a3 = a2 + ars;
        int j = 0;
        for (; j + 2 * L <= ncols; j += 2 * L) {     // 4 x 2 vectors: eight accumulators hide the FMA latency
            FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
            for (int k = k0; k < k1; k++) {
                FloatVector b0 = FloatVector.fromArray(S, b, k * ldb + j);
                FloatVector b1 = FloatVector.fromArray(S, b, k * ldb + j + L);
                int ak = k * acs;
                FloatVector x = FloatVector.broadcast(S, a[a0 + ak]);
                c00 = x.fma(b0, c00);
                c01 = x.fma(b1, c01);
                x = FloatVector.broadcast(S, a[a1 + ak]);
                c10 = x.fma(b0, c10);
                c11 = x.fma(b1, c11);
                x = FloatVector.broadcast(S, a[a2 + ak]);
                c20 = x.fma(b0, c20);
                c21 = x.fma(b1, c21);
                x = FloatVector.broadcast(S, a[a3 + ak]);
                c30 = x.fma(b0, c30);
                c31 = x.fma(b1, c31);
            }
            int o = oOff + j;
            FloatVector.zero(S).add(c00).intoArray(out, o);
            FloatVector.zero(S).add(c01).intoArray(out, o + L);
            FloatVector.zero(S).add(c10).intoArray(out, o + ldo);
            FloatVector.zero(S).add(c11).intoArray(out, o + ldo + L);
            FloatVector.zero(S).add(c20).intoArray(out, o + 2 * ldo);
            FloatVector.zero(S).add(c21).intoArray(out, o + 2 * ldo + L);
            FloatVector.zero(S).add(c30).intoArray(out, o + 3 * ldo);
            FloatVector.zero(S).add(c31).intoArray(out, o + 3 * ldo + L);
        }
        for (; j < ncols; j += L) {
            FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S), c3 = FloatVector.zero(S);
            for (int k = k0; k < k1; k++) {
                FloatVector bv = FloatVector.fromArray(S, b, k * ldb + j);
                int ak = k * acs;
                c0 = FloatVector.broadcast(S, a[a0 + ak]).fma(bv, c0);
                c1 = FloatVector.broadcast(S, a[a1 + ak]).fma(bv, c1);
                c2 = FloatVector.broadcast(S, a[a2 + ak]).fma(bv, c2);
                c3 = FloatVector.broadcast(S, a[a3 + ak]).fma(bv, c3);
            }
            int o = oOff + j;
            FloatVector.zero(S).add(c0).intoArray(out, o);
            FloatVector.zero(S).add(c1).intoArray(out, o + ldo);
            FloatVector.zero(S).add(c2).intoArray(out, o + 2 * ldo);
            FloatVector.zero(S).add(c3).intoArray(out, o + 3 * ldo);
        }
    }

    /**
     * Row r (n = t+1 scores up to the diagonal) of the softmax: s *= scale in place, p = softmax(s)
     * with zeros from n to rowLen.
     */
    private static void softmaxRow(float[] s, float[] p, int r, int n, int rowLen, float scale) {
        FloatVector sv = FloatVector.broadcast(S, scale);
        FloatVector mv = FloatVector.broadcast(S, -Float.MAX_VALUE);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector x = FloatVector.fromArray(S, s, r + i).mul(sv);
            x.intoArray(s, r + i);
            mv = x.max(mv);
        }
        float max = FloatVector.zero(S).add(mv).reduceLanes(VectorOperators.MAX); // order-independent
        for (; i < n; i++) {
            s[r + i] *= scale;
            max = Math.max(max, s[r + i]);
        }
        System.arraycopy(s, r, p, r, n);
        float tot = VectorKernels.expSum(p, r, n, max);
        float inv = 1f / tot;
        FloatVector iv = FloatVector.broadcast(S, inv);
        i = 0;
        for (; i <= n - L; i += L) FloatVector.fromArray(S, p, r + i).mul(iv).intoArray(p, r + i);
        for (; i < n; i++) p[r + i] *= inv;
        java.util.Arrays.fill(p, r + n, r + rowLen, 0f);
    }

    /** Row r of the softmax backward: s = p * (s - sum(p * s)) * scale up to n, zeros after. */
    private static void softmaxBackwardRow(float[] s, float[] p, int r, int n, int rowLen, float scale) {
        FloatVector dv = FloatVector.zero(S);
        int i = 0;
        for (; i <= n - L; i += L) dv = FloatVector.fromArray(S, p, r + i).fma(FloatVector.fromArray(S, s, r + i), dv);
        float dot = 0f;
        FloatVector dt = FloatVector.zero(S).add(dv);
        for (int lane = 0; lane < L; lane++) dot += dt.lane(lane); // fixed order
        for (; i < n; i++) dot += p[r + i] * s[r + i];
        FloatVector dotv = FloatVector.broadcast(S, dot), sc = FloatVector.broadcast(S, scale);
        i = 0;
        for (; i <= n - L; i += L)
            FloatVector.fromArray(S, p, r + i).mul(FloatVector.fromArray(S, s, r + i).sub(dotv)).mul(sc).intoArray(s, r + i);
        for (; i < n; i++) s[r + i] = p[r + i] * (s[r + i] - dot) * scale;
        java.util.Arrays.fill(s, r + n, r + rowLen, 0f);
    }

    /** m[off + i] *= keep scale of element idx0 + i (dropout), for i in [0, n); keep: scratch of n floats. */
    private static void dropRow(float[] m, int off, int n, int idx0, int key, int threshold, float scale, float[] keep) {
        VectorKernels.keepScales(keep, 0, n, idx0, key, threshold, scale);
        int i = 0;
        for (; i <= n - L; i += L) FloatVector.fromArray(S, m, off + i).mul(FloatVector.fromArray(S, keep, i)).intoArray(m, off + i);
        for (; i < n; i++) m[off + i] *= keep[i];
    }

    // ------------------------------------------------------------------------------------------
    // the four kernels, for head bh = b*NH + h
    // ------------------------------------------------------------------------------------------

    /**
     * AttentionKernels.forward for one (b, h), dropout off when threshold is 0: writes the
     * probabilities (whole rows, zeros after the diagonal) to att and the head's output to out.
     */
    void forward(MemorySegment out, long outOff, MemorySegment att, long attOff, MemorySegment qkv, long qkvOff,
                 int b, int h, int T, int C, int NH, int key, int threshold, float dropScale) {
        shape(T, C / NH);
        int bh = b * NH + h;
        long rowStride = 3L * C;
        long base = qkvOff + (long) b * T * rowStride + (long) h * hd;
        gatherRows(qkv, base, rowStride, q, hd, Tr);
        gatherTransposed(qkv, base + C, rowStride, kt, y);
        gatherRows(qkv, base + 2L * C, rowStride, vp, hdp, Tr);
        float scale = 1f / (float) Math.sqrt((float) hd);
        // scores, 4 query rows at a time, up to the diagonal
        for (int t0 = 0; t0 < T; t0 += 4) {
            int nvec = (Math.min(T, t0 + 4) + L - 1) / L;
            ab4(q, t0, hd, 1, 0, hd, kt, Tp, nvec * L, s, t0 * Tp, Tp);
        }
        // softmax per row; p = probabilities (saved), s = what multiplies v (dropped copy)
        for (int t = 0; t < T; t++) {
            int r = t * Tp;
            softmaxRow(s, p, r, t + 1, Tp, scale);
            MemorySegment.copy(p, r, att, F, (attOff + ((long) bh * T + t) * T) * Float.BYTES, T);
            System.arraycopy(p, r, s, r, Tp);
            if (threshold != 0) dropRow(s, r, t + 1, (bh * T + t) * T, key, threshold, dropScale, keep);
        }
        java.util.Arrays.fill(s, T * Tp, Tr * Tp, 0f);
        // y = P v, 4 rows at a time over the columns up to the block's diagonal
        for (int t0 = 0; t0 < T; t0 += 4) {
            ab4(s, t0, Tp, 1, 0, Math.min(T, t0 + 4), vp, hdp, hdp, y, t0 * hdp, hdp);
        }
        scatterRows(y, hdp, out, outOff + (long) b * T * C + (long) h * hd, C);
    }

    /** AttentionKernels.backwardQuery for one (b, h): dS to dpreatt (whole rows), dq to dqkv. */
    void backwardQuery(MemorySegment dqkv, MemorySegment dpreatt, MemorySegment att, long attOff, MemorySegment dout,
                       MemorySegment qkv, long qkvOff, int b, int h, int T, int C, int NH, int key, int threshold, float dropScale) {
        shape(T, C / NH);
        int bh = b * NH + h;
        long rowStride = 3L * C;
        long base = qkvOff + (long) b * T * rowStride + (long) h * hd;
        gatherRows(dout, (long) b * T * C + (long) h * hd, C, q, hd, Tr);          // dy
        gatherTransposed(qkv, base + 2L * C, rowStride, kt, y);                     // v^T
        gatherRows(qkv, base + C, rowStride, vp, hdp, Tr);                         // k
        gatherSquare(att, attOff + (long) bh * T * T, p);                          // P
        float scale = 1f / (float) Math.sqrt((float) hd);
        for (int t0 = 0; t0 < T; t0 += 4) {
            int nvec = (Math.min(T, t0 + 4) + L - 1) / L;
            ab4(q, t0, hd, 1, 0, hd, kt, Tp, nvec * L, s, t0 * Tp, Tp);               // dP = dy v^T
        }
        for (int t = 0; t < T; t++) {
            int r = t * Tp;
            if (threshold != 0) dropRow(s, r, t + 1, (bh * T + t) * T, key, threshold, dropScale, keep);
            softmaxBackwardRow(s, p, r, t + 1, Tp, scale);
            MemorySegment.copy(s, r, dpreatt, F, ((long) bh * T + t) * T * Float.BYTES, T);
        }
        java.util.Arrays.fill(s, T * Tp, Tr * Tp, 0f);
        for (int t0 = 0; t0 < T; t0 += 4) {
            ab4(s, t0, Tp, 1, 0, Math.min(T, t0 + 4), vp, hdp, hdp, y, t0 * hdp, hdp);   // dq = dS k
        }
        scatterRows(y, hdp, dqkv, (long) b * T * rowStride + (long) h * hd, rowStride);
    }

    /** AttentionKernels.backwardKey for one (b, h): dk and dv to dqkv. */
    void backwardKey(MemorySegment dqkv, MemorySegment dpreatt, MemorySegment att, long attOff, MemorySegment dout,
                     MemorySegment qkv, long qkvOff, int b, int h, int T, int C, int NH, int key, int threshold, float dropScale) {
        shape(T, C / NH);
        int bh = b * NH + h;
        long rowStride = 3L * C;
        long base = qkvOff + (long) b * T * rowStride + (long) h * hd;
        gatherSquare(dpreatt, (long) bh * T * T, s);                               // dS
        gatherSquare(att, attOff + (long) bh * T * T, p);                          // P
        if (threshold != 0)
            for (int t = 0; t < T; t++) dropRow(p, t * Tp, t + 1, (bh * T + t) * T, key, threshold, dropScale, keep);
        gatherRows(qkv, base, rowStride, vp, hdp, Tr);                             // q
        gatherRows(dout, (long) b * T * C + (long) h * hd, C, q, hdp, Tr);         // dy (stride hdp here)
        long dk = (long) b * T * rowStride + C + (long) h * hd;
        // dk[t2] = sum_{t >= t2} dS[t, t2] q[t]: rows t2 of dS^T, read from dS with strides (1, Tp)
        for (int t0 = 0; t0 < T; t0 += 4) ab4(s, t0, 1, Tp, t0, T, vp, hdp, hdp, y, t0 * hdp, hdp);
        scatterRows(y, hdp, dqkv, dk, rowStride);
        for (int t0 = 0; t0 < T; t0 += 4) ab4(p, t0, 1, Tp, t0, T, q, hdp, hdp, y, t0 * hdp, hdp);
        scatterRows(y, hdp, dqkv, dk + C, rowStride);
    }
}
