package org.tornadogpt.runtime.jvm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API versions of the portable kernels' inner loops, on off-heap segments with element
 * (float) offsets, over a range of rows or elements so that {@link FastPaths} can split the work
 * over its pool. Each method computes what the portable kernel named in its comment computes for
 * that range; only the summation order differs (lanes, then a tree), so results agree to rounding.
 *
 * <p>No vectors live in fields or arrays; every loop has a scalar tail, so any length works.
 *
 * <p>Vector code sits in small leaf methods that each handle one row or one block of at most
 * {@link #BLOCK} elements, called in a scalar loop: a leaf is invoked thousands of times per
 * training step, so C2 compiles (and intrinsifies) it within the first steps. A kernel whose one
 * long loop ran a few times per step would stay in C1 or on-stack-replacement code for a long time,
 * where every vector operation allocates a boxed vector.
 */
final class VectorKernels {
    private VectorKernels() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final ByteOrder NO = ByteOrder.nativeOrder();
    static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    static final ValueLayout.OfInt I = ValueLayout.JAVA_INT_UNALIGNED;
    /** Elements per call of an elementwise leaf. */
    static final int BLOCK = 2048;

    static FloatVector load(MemorySegment s, long i) {
        return FloatVector.fromMemorySegment(S, s, i * Float.BYTES, NO);
    }

    static void store(FloatVector v, MemorySegment s, long i) {
        v.intoMemorySegment(s, i * Float.BYTES, NO);
    }

    static float get(MemorySegment s, long i) {
        return s.getAtIndex(F, i);
    }

    static void set(MemorySegment s, long i, float v) {
        s.setAtIndex(F, i, v);
    }

    // ------------------------------------------------------------------------------------------
    // Dropout (DropoutKernels.keepScale, vectorised): keep element idx when mix(idx ^ key) >>> 8 >= threshold
    // ------------------------------------------------------------------------------------------

    static int mix(int x) {
        int h = x;
        h ^= h >>> 16;
        h *= 0x7feb352d;
        h ^= h >>> 15;
        h *= 0x846ca68b;
        h ^= h >>> 16;
        return h;
    }

    /** The per-(step, site) key of DropoutKernels.keepScale. */
    static int dropoutKey(int site, int step, int seedLo, int seedHi) {
        return mix(site ^ mix(step ^ mix(seedLo ^ mix(seedHi))));
    }

    static float keepScalar(int idx, int key, int threshold, float scale) {
        return (mix(idx ^ key) >>> 8) >= threshold ? scale : 0f;
    }

    /** Lanes idx0 .. idx0+L-1: the keep scale (scale or 0). */
    static FloatVector keepVector(int idx0, int key, int threshold, float scale) {
        IntVector h = IntVector.zero(IS).addIndex(1).add(idx0).lanewise(VectorOperators.XOR, key);
        h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 16)).mul(0x7feb352d);
        h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 15)).mul(0x846ca68b);
        h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 16));
        VectorMask<Integer> keep = h.lanewise(VectorOperators.LSHR, 8).compare(VectorOperators.GE, threshold);
        return FloatVector.broadcast(S, scale).blend(0f, keep.not().cast(S));
    }


    /** out = a + b * keep for n elements; threshold 0 means keep all with scale 1 (ResidualKernels). */
    static void residualBlock(MemorySegment out, long oOff, MemorySegment a, long aOff, MemorySegment b, long bOff,
                         int idx0, int n, int key, int threshold, float scale) {
        int i = 0;
        if (threshold == 0) {
            for (; i <= n - L; i += L) store(load(a, aOff + i).add(load(b, bOff + i)), out, oOff + i);
            for (; i < n; i++) set(out, oOff + i, get(a, aOff + i) + get(b, bOff + i));
        } else {
            for (; i <= n - L; i += L)
                store(load(a, aOff + i).add(load(b, bOff + i).mul(keepVector(idx0 + i, key, threshold, scale))), out, oOff + i);
            for (; i < n; i++) set(out, oOff + i, get(a, aOff + i) + get(b, bOff + i) * keepScalar(idx0 + i, key, threshold, scale));
        }
    }

    /** out = in * keep (ResidualKernels.backward): a copy when threshold is 0. */
    static void scaledCopyBlock(MemorySegment out, long oOff, MemorySegment in, long iOff, int idx0, int n, int key, int threshold, float scale) {
        if (threshold == 0) {
            MemorySegment.copy(in, iOff * Float.BYTES, out, oOff * Float.BYTES, (long) n * Float.BYTES);
            return;
        }
        int i = 0;
        for (; i <= n - L; i += L) store(load(in, iOff + i).mul(keepVector(idx0 + i, key, threshold, scale)), out, oOff + i);
        for (; i < n; i++) set(out, oOff + i, get(in, iOff + i) * keepScalar(idx0 + i, key, threshold, scale));
    }

    // ------------------------------------------------------------------------------------------
    // Layer norm (LayerNormKernels)
    // ------------------------------------------------------------------------------------------

    static float sum(MemorySegment x, long off, int n) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
        int i = 0;
        for (; i <= n - 2 * L; i += 2 * L) {
            s0 = s0.add(load(x, off + i));
            s1 = s1.add(load(x, off + i + L));
        }
        for (; i <= n - L; i += L) s0 = s0.add(load(x, off + i));
        float r = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) r += get(x, off + i);
        return r;
    }

    /** Rows [r0, r1) of LayerNormKernels.forward. */
    static void layerNormForward(MemorySegment out, long outOff, MemorySegment mean, MemorySegment rstd, long statOff,
                                 MemorySegment inp, long inpOff, MemorySegment params, long wOff, long bOff, int C, int r0, int r1) {
        for (int r = r0; r < r1; r++) layerNormForwardRow(out, outOff, mean, rstd, statOff, inp, inpOff, params, wOff, bOff, C, r);
    }

    private static void layerNormForwardRow(MemorySegment out, long outOff, MemorySegment mean, MemorySegment rstd, long statOff,
                                            MemorySegment inp, long inpOff, MemorySegment params, long wOff, long bOff, int C, int r) {
        {
            long x = inpOff + (long) r * C;
            float m = sum(inp, x, C) / C;
            FloatVector mv = FloatVector.broadcast(S, m);
            FloatVector v0 = FloatVector.zero(S);
            int c = 0;
            for (; c <= C - L; c += L) {
                FloatVector d = load(inp, x + c).sub(mv);
                v0 = d.fma(d, v0);
            }
            float var = v0.reduceLanes(VectorOperators.ADD);
            for (; c < C; c++) {
                float d = get(inp, x + c) - m;
                var += d * d;
            }
            float s = 1f / (float) Math.sqrt(var / C + 1e-5f);
            FloatVector sv = FloatVector.broadcast(S, s);
            long o = outOff + (long) r * C;
            c = 0;
            for (; c <= C - L; c += L)
                store(load(inp, x + c).sub(mv).mul(sv).fma(load(params, wOff + c), load(params, bOff + c)), out, o + c);
            for (; c < C; c++) set(out, o + c, (get(inp, x + c) - m) * s * get(params, wOff + c) + get(params, bOff + c));
            set(mean, statOff + r, m);
            set(rstd, statOff + r, s);
        }
    }

    /** Rows [r0, r1) of LayerNormKernels.backwardInput (accumulates into dinp). */
    static void layerNormBackwardInput(MemorySegment dinp, long dinpOff, MemorySegment dout, long doutOff, MemorySegment mean,
                                       MemorySegment rstd, long statOff, MemorySegment inp, long inpOff, MemorySegment params,
                                       long wOff, int C, int r0, int r1) {
        for (int r = r0; r < r1; r++) layerNormBackwardInputRow(dinp, dinpOff, dout, doutOff, mean, rstd, statOff, inp, inpOff, params, wOff, C, r);
    }

    private static void layerNormBackwardInputRow(MemorySegment dinp, long dinpOff, MemorySegment dout, long doutOff, MemorySegment mean,
                                                  MemorySegment rstd, long statOff, MemorySegment inp, long inpOff, MemorySegment params,
                                                  long wOff, int C, int r) {
        {
            float m = get(mean, statOff + r), s = get(rstd, statOff + r);
            FloatVector mv = FloatVector.broadcast(S, m), sv = FloatVector.broadcast(S, s);
            long x = inpOff + (long) r * C, o = doutOff + (long) r * C, di = dinpOff + (long) r * C;
            FloatVector sd = FloatVector.zero(S), sdn = FloatVector.zero(S);
            int c = 0;
            for (; c <= C - L; c += L) {
                FloatVector n = load(inp, x + c).sub(mv).mul(sv);
                FloatVector dn = load(dout, o + c).mul(load(params, wOff + c));
                sd = sd.add(dn);
                sdn = dn.fma(n, sdn);
            }
            float sumD = sd.reduceLanes(VectorOperators.ADD), sumDN = sdn.reduceLanes(VectorOperators.ADD);
            for (int cc = c; cc < C; cc++) {
                float n = (get(inp, x + cc) - m) * s;
                float dn = get(dout, o + cc) * get(params, wOff + cc);
                sumD += dn;
                sumDN += dn * n;
            }
            float meanD = sumD / C, meanDN = sumDN / C;
            FloatVector mdv = FloatVector.broadcast(S, meanD), mdnv = FloatVector.broadcast(S, meanDN);
            c = 0;
            for (; c <= C - L; c += L) {
                FloatVector n = load(inp, x + c).sub(mv).mul(sv);
                FloatVector dn = load(dout, o + c).mul(load(params, wOff + c));
                FloatVector g = dn.sub(mdv).sub(n.mul(mdnv)).mul(sv);
                store(load(dinp, di + c).add(g), dinp, di + c);
            }
            for (; c < C; c++) {
                float n = (get(inp, x + c) - m) * s;
                float dn = get(dout, o + c) * get(params, wOff + c);
                set(dinp, di + c, get(dinp, di + c) + s * (dn - meanD - n * meanDN));
            }
        }
    }

    /**
     * Channels [c0, c1) of LayerNormKernels.backwardParams: dweight[c] += sum_r dout * n,
     * dbias[c] += sum_r dout over the N rows.
     */
    static void layerNormBackwardParams(MemorySegment grads, long wOff, long bOff, MemorySegment dout, long doutOff,
                                        MemorySegment mean, MemorySegment rstd, long statOff, MemorySegment inp, long inpOff,
                                        int N, int C, int c0, int c1) {
        int c = c0;
        for (; c <= c1 - L; c += L) lnParamsColumns(grads, wOff, bOff, dout, doutOff, mean, rstd, statOff, inp, inpOff, N, C, c);
        for (; c < c1; c++) {
            float sw = 0f, sb = 0f;
            for (int r = 0; r < N; r++) {
                float n = (get(inp, inpOff + (long) r * C + c) - get(mean, statOff + r)) * get(rstd, statOff + r);
                float d = get(dout, doutOff + (long) r * C + c);
                sw += d * n;
                sb += d;
            }
            set(grads, wOff + c, get(grads, wOff + c) + sw);
            set(grads, bOff + c, get(grads, bOff + c) + sb);
        }
    }

    /** One vector of channels c .. c+L-1 of {@link #layerNormBackwardParams}. */
    private static void lnParamsColumns(MemorySegment grads, long wOff, long bOff, MemorySegment dout, long doutOff,
                                        MemorySegment mean, MemorySegment rstd, long statOff, MemorySegment inp, long inpOff,
                                        int N, int C, int c) {
        FloatVector w0 = FloatVector.zero(S), b0 = FloatVector.zero(S);
        for (int r = 0; r < N; r++) {
            FloatVector mv = FloatVector.broadcast(S, get(mean, statOff + r)), sv = FloatVector.broadcast(S, get(rstd, statOff + r));
            FloatVector d0 = load(dout, doutOff + (long) r * C + c);
            w0 = d0.fma(load(inp, inpOff + (long) r * C + c).sub(mv).mul(sv), w0);
            b0 = b0.add(d0);
        }
        store(load(grads, wOff + c).add(w0), grads, wOff + c);
        store(load(grads, bOff + c).add(b0), grads, bOff + c);
    }

    // ------------------------------------------------------------------------------------------
    // GELU (GeluKernels), tanh form
    // ------------------------------------------------------------------------------------------

    private static final float GELU_S = 0.7978845608028654f;
    private static final float GELU_K = 0.044715f;

    /** out[i] = gelu(inp[i]) for i in [0, n). */
    static void geluForwardBlock(MemorySegment out, long oOff, MemorySegment inp, long iOff, int n) {
        FloatVector half = FloatVector.broadcast(S, 0.5f), one = FloatVector.broadcast(S, 1f);
        FloatVector s = FloatVector.broadcast(S, GELU_S), k = FloatVector.broadcast(S, GELU_K);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector x = load(inp, iOff + i);
            FloatVector u = s.mul(x.mul(x).mul(x).fma(k, x));
            FloatVector th = u.lanewise(VectorOperators.TANH);
            store(half.mul(x).mul(one.add(th)), out, oOff + i);
        }
        for (; i < n; i++) {
            float x = get(inp, iOff + i);
            float u = GELU_S * (x + GELU_K * x * x * x);
            set(out, oOff + i, 0.5f * x * (1f + (float) Math.tanh(u)));
        }
    }

    /** d[i] *= gelu'(inp[i]) for i in [0, n). */
    static void geluBackwardBlock(MemorySegment d, long dOff, MemorySegment inp, long iOff, int n) {
        FloatVector half = FloatVector.broadcast(S, 0.5f), one = FloatVector.broadcast(S, 1f);
        FloatVector s = FloatVector.broadcast(S, GELU_S), k = FloatVector.broadcast(S, GELU_K);
        FloatVector k3 = FloatVector.broadcast(S, 3f * GELU_K);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector x = load(inp, iOff + i);
            FloatVector x2 = x.mul(x);
            FloatVector u = s.mul(x2.mul(x).fma(k, x));
            FloatVector th = u.lanewise(VectorOperators.TANH);
            FloatVector du = s.mul(x2.fma(k3, one));
            FloatVector sech2 = one.sub(th.mul(th));
            FloatVector grad = half.mul(one.add(th)).add(half.mul(x).mul(sech2).mul(du));
            store(load(d, dOff + i).mul(grad), d, dOff + i);
        }
        for (; i < n; i++) {
            float x = get(inp, iOff + i);
            float u = GELU_S * (x + GELU_K * x * x * x);
            float th = (float) Math.tanh(u);
            float du = GELU_S * (1f + 3f * GELU_K * x * x);
            float grad = 0.5f * (1f + th) + 0.5f * x * (1f - th * th) * du;
            set(d, dOff + i, get(d, dOff + i) * grad);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Softmax and cross-entropy over the vocabulary (CrossEntropyKernels)
    // ------------------------------------------------------------------------------------------

    static float max(MemorySegment x, long off, int n) {
        FloatVector m0 = FloatVector.broadcast(S, -Float.MAX_VALUE), m1 = m0;
        int i = 0;
        for (; i <= n - 2 * L; i += 2 * L) {
            m0 = m0.max(load(x, off + i));
            m1 = m1.max(load(x, off + i + L));
        }
        for (; i <= n - L; i += L) m0 = m0.max(load(x, off + i));
        float m = m0.max(m1).reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) m = Math.max(m, get(x, off + i));
        return m;
    }

    /** out[i] = exp(x[i] - max) for i in [0, n); returns the sum. */
    static float expShifted(MemorySegment out, long oOff, MemorySegment x, long xOff, int n, float max) {
        FloatVector mv = FloatVector.broadcast(S, max);
        FloatVector s0 = FloatVector.zero(S);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector e = load(x, xOff + i).sub(mv).lanewise(VectorOperators.EXP);
            store(e, out, oOff + i);
            s0 = s0.add(e);
        }
        float s = s0.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float e = (float) Math.exp(get(x, xOff + i) - max);
            set(out, oOff + i, e);
            s += e;
        }
        return s;
    }

    static void scale(MemorySegment x, long off, int n, float f) {
        FloatVector fv = FloatVector.broadcast(S, f);
        int i = 0;
        for (; i <= n - L; i += L) store(load(x, off + i).mul(fv), x, off + i);
        for (; i < n; i++) set(x, off + i, get(x, off + i) * f);
    }

    /** Rows [r0, r1) of CrossEntropyKernels.forward. */
    static void crossEntropyForward(MemorySegment probs, MemorySegment losses, MemorySegment logits, MemorySegment targets,
                                    int V, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            long base = (long) r * V;
            float max = max(logits, base, V);
            float sum = expShifted(probs, base, logits, base, V, max);
            scale(probs, base, V, 1f / sum);
            int tgt = targets.getAtIndex(I, r);
            set(losses, r, max + (float) Math.log(sum) - get(logits, base + tgt));
        }
    }

    /** Rows [r0, r1) of CrossEntropyKernels.backward: dlogits = (probs - onehot(target)) / N. */
    static void crossEntropyBackward(MemorySegment dlogits, MemorySegment probs, MemorySegment targets, int V, int N, int r0, int r1) {
        for (int r = r0; r < r1; r++) crossEntropyBackwardRow(dlogits, probs, targets, V, N, r);
    }

    private static void crossEntropyBackwardRow(MemorySegment dlogits, MemorySegment probs, MemorySegment targets, int V, int N, int r) {
        {
            long base = (long) r * V;
            int tgt = targets.getAtIndex(I, r);
            FloatVector inv = FloatVector.broadcast(S, (float) N);
            int i = 0;
            for (; i <= V - L; i += L) store(load(probs, base + i).div(inv), dlogits, base + i);
            for (; i < V; i++) set(dlogits, base + i, get(probs, base + i) / N);
            set(dlogits, base + tgt, (get(probs, base + tgt) - 1f) / N);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Optimizer (GradientKernels, AdamWKernels)
    // ------------------------------------------------------------------------------------------

    static float sumSquaresBlock(MemorySegment g, long from, long to) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
        long i = from;
        for (; i <= to - 2 * L; i += 2 * L) {
            FloatVector a = load(g, i), b = load(g, i + L);
            s0 = a.fma(a, s0);
            s1 = b.fma(b, s1);
        }
        for (; i <= to - L; i += L) {
            FloatVector a = load(g, i);
            s0 = a.fma(a, s0);
        }
        float s = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; i < to; i++) {
            float x = get(g, i);
            s += x * x;
        }
        return s;
    }

    /** Elements [from, to) of AdamWKernels.update. */
    static void adamwBlock(MemorySegment p, MemorySegment m, MemorySegment v, MemorySegment g, long from, long to,
                      float gs, float decay, float beta1, float beta2, float eps, float stepSize, float bc2Sqrt) {
        FloatVector gsv = FloatVector.broadcast(S, gs), dv = FloatVector.broadcast(S, decay);
        FloatVector b1 = FloatVector.broadcast(S, beta1), b2 = FloatVector.broadcast(S, beta2);
        FloatVector c1 = FloatVector.broadcast(S, 1f - beta1), c2 = FloatVector.broadcast(S, 1f - beta2);
        FloatVector ev = FloatVector.broadcast(S, eps), sv = FloatVector.broadcast(S, stepSize), bc = FloatVector.broadcast(S, bc2Sqrt);
        long i = from;
        for (; i <= to - L; i += L) {
            FloatVector gi = load(g, i).mul(gsv);
            FloatVector pi = load(p, i).mul(dv);
            FloatVector mi = b1.mul(load(m, i)).add(c1.mul(gi));
            FloatVector vi = b2.mul(load(v, i)).add(c2.mul(gi).mul(gi));
            FloatVector denom = vi.sqrt().div(bc).add(ev);
            store(pi.sub(sv.mul(mi).div(denom)), p, i);
            store(mi, m, i);
            store(vi, v, i);
        }
        for (; i < to; i++) {
            float gi = get(g, i) * gs;
            float pi = get(p, i) * decay;
            float mi = beta1 * get(m, i) + (1f - beta1) * gi;
            float vi = beta2 * get(v, i) + (1f - beta2) * gi * gi;
            float denom = (float) Math.sqrt(vi) / bc2Sqrt + eps;
            set(p, i, pi - stepSize * mi / denom);
            set(m, i, mi);
            set(v, i, vi);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Embedding (EncoderKernels)
    // ------------------------------------------------------------------------------------------

    /** out[off + i] = a[aOff + i] + b[bOff + i] for i in [0, n). */
    static void addBlock(MemorySegment out, long oOff, MemorySegment a, long aOff, MemorySegment b, long bOff, int n) {
        int i = 0;
        for (; i <= n - L; i += L) store(load(a, aOff + i).add(load(b, bOff + i)), out, oOff + i);
        for (; i < n; i++) set(out, oOff + i, get(a, aOff + i) + get(b, bOff + i));
    }

    /** g[gOff + i] += sum_{b < B} x[xOff + b*stride + i] for i in [0, n) (EncoderKernels.backwardWpe). */

    /** acc[off + i] += x[xOff + i] for i in [0, n). */
    static void addInto(MemorySegment acc, long off, MemorySegment x, long xOff, int n) {
        add(acc, off, acc, off, x, xOff, n);
    }

    // ------------------------------------------------------------------------------------------
    // Matrix-vector products for few rows (decode): out[i, o] = bias[o] + inp[i, :] . w[o, :]
    // ------------------------------------------------------------------------------------------

    /**
     * Output columns [o0, o1) of MatmulKernels.forward for n (small) input rows; bias may be null.
     * Memory-bound: each weight row is read once (and reused from L1 for the other input rows) as
     * one sequential stream, four vectors per step; several rows at a time in separate streams ran
     * at two thirds of the read bandwidth on this machine, one row at a time at all of it.
     */
    static void gemv(MemorySegment out, long outOff, MemorySegment inp, long inpOff, MemorySegment w, long wOff,
                     MemorySegment bias, long bOff, int n, int C, int OC, int o0, int o1) {
        for (int o = o0; o < o1; o++) {
            float b = bias == null ? 0f : get(bias, bOff + o);
            long wr = wOff + (long) o * C;
            for (int i = 0; i < n; i++) set(out, outOff + (long) i * OC + o, dot(inp, inpOff + (long) i * C, w, wr, C) + b);
        }
    }

    /** x[xOff, xOff + n) . y[yOff, yOff + n), four vectors per step. */
    static float dot(MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
        int c = 0;
        for (; c <= n - 4 * L; c += 4 * L) {
            a0 = load(x, xOff + c).fma(load(y, yOff + c), a0);
            a1 = load(x, xOff + c + L).fma(load(y, yOff + c + L), a1);
            a2 = load(x, xOff + c + 2 * L).fma(load(y, yOff + c + 2 * L), a2);
            a3 = load(x, xOff + c + 3 * L).fma(load(y, yOff + c + 3 * L), a3);
        }
        for (; c <= n - L; c += L) a0 = load(x, xOff + c).fma(load(y, yOff + c), a0);
        float s = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        for (; c < n; c++) s += get(x, xOff + c) * get(y, yOff + c);
        return s;
    }

    /**
     * out[oOff + d] = sum_{t < n} p[pOff + t] * rows[rOff + t*ld + d] for d in [0, hd): a weighted
     * sum of n rows (DecodeKernels.attentionValues for one head), t in order.
     */
    static void weightedRows(MemorySegment out, long oOff, MemorySegment p, long pOff, MemorySegment rows, long rOff, int ld, int n, int hd) {
        int d = 0;
        for (; d <= hd - L; d += L) weightedRowsVector(out, oOff + d, p, pOff, rows, rOff + d, ld, n);
        for (; d < hd; d++) {
            float acc = 0f;
            for (int t = 0; t < n; t++) acc += get(p, pOff + t) * get(rows, rOff + (long) t * ld + d);
            set(out, oOff + d, acc);
        }
    }

    private static void weightedRowsVector(MemorySegment out, long oOff, MemorySegment p, long pOff, MemorySegment rows, long rOff, int ld, int n) {
        FloatVector acc = FloatVector.zero(S);
        for (int t = 0; t < n; t++) acc = FloatVector.broadcast(S, get(p, pOff + t)).fma(load(rows, rOff + (long) t * ld), acc);
        store(acc, out, oOff);
    }

    /** Output columns [o0, o1) of MatmulKernels.backwardBias: db[o] += sum_r dout[r, o]. */
    static void columnSums(MemorySegment grads, long bOff, MemorySegment dout, long doutOff, int N, int OC, int o0, int o1) {
        int o = o0;
        for (; o <= o1 - L; o += L) columnSumsVector(grads, bOff, dout, doutOff, N, OC, o);
        for (; o < o1; o++) {
            float s = 0f;
            for (int r = 0; r < N; r++) s += get(dout, doutOff + (long) r * OC + o);
            set(grads, bOff + o, get(grads, bOff + o) + s);
        }
    }

    private static void columnSumsVector(MemorySegment grads, long bOff, MemorySegment dout, long doutOff, int N, int OC, int o) {
        FloatVector s0 = FloatVector.zero(S);
        for (int r = 0; r < N; r++) s0 = s0.add(load(dout, doutOff + (long) r * OC + o));
        store(load(grads, bOff + o).add(s0), grads, bOff + o);
    }

    // ------------------------------------------------------------------------------------------
    // entry points of the elementwise kernels: scalar loops over blocks
    // ------------------------------------------------------------------------------------------

    /** x[off + i] *= keep(idx0 + i) for i in [0, n) (DropoutKernels.forward/backward). */
    static void dropoutInPlace(MemorySegment x, long off, int idx0, int n, int key, int threshold, float scale) {
        if (threshold != 0) scaledCopy(x, off, x, off, idx0, n, key, threshold, scale);
    }

    static void residual(MemorySegment out, long oOff, MemorySegment a, long aOff, MemorySegment b, long bOff,
                         int idx0, int n, int key, int threshold, float scale) {
        for (int i = 0; i < n; i += BLOCK)
            residualBlock(out, oOff + i, a, aOff + i, b, bOff + i, idx0 + i, Math.min(BLOCK, n - i), key, threshold, scale);
    }

    static void scaledCopy(MemorySegment out, long oOff, MemorySegment in, long iOff, int idx0, int n, int key, int threshold, float scale) {
        for (int i = 0; i < n; i += BLOCK) scaledCopyBlock(out, oOff + i, in, iOff + i, idx0 + i, Math.min(BLOCK, n - i), key, threshold, scale);
    }

    static void geluForward(MemorySegment out, long oOff, MemorySegment inp, long iOff, int n) {
        for (int i = 0; i < n; i += BLOCK) geluForwardBlock(out, oOff + i, inp, iOff + i, Math.min(BLOCK, n - i));
    }

    static void geluBackward(MemorySegment d, long dOff, MemorySegment inp, long iOff, int n) {
        for (int i = 0; i < n; i += BLOCK) geluBackwardBlock(d, dOff + i, inp, iOff + i, Math.min(BLOCK, n - i));
    }

    static void add(MemorySegment out, long oOff, MemorySegment a, long aOff, MemorySegment b, long bOff, int n) {
        for (int i = 0; i < n; i += BLOCK) addBlock(out, oOff + i, a, aOff + i, b, bOff + i, Math.min(BLOCK, n - i));
    }

    /** g[gOff + i] += sum_{b < B} x[xOff + b*stride + i] for i in [0, n) (EncoderKernels.backwardWpe), b in order. */
    static void sumRowsInto(MemorySegment g, long gOff, MemorySegment x, long xOff, long stride, int B, int n) {
        for (int b = 0; b < B; b++) addInto(g, gOff, x, xOff + b * stride, n);
    }

    static void adamw(MemorySegment p, MemorySegment m, MemorySegment v, MemorySegment g, long from, long to,
                      float gs, float decay, float beta1, float beta2, float eps, float stepSize, float bc2Sqrt) {
        for (long i = from; i < to; i += BLOCK) adamwBlock(p, m, v, g, i, Math.min(to, i + BLOCK), gs, decay, beta1, beta2, eps, stepSize, bc2Sqrt);
    }

    /** Sum of squares of g[from, to), block by block. */
    static float sumSquares(MemorySegment g, long from, long to) {
        float s = 0f;
        for (long i = from; i < to; i += BLOCK) s += sumSquaresBlock(g, i, Math.min(to, i + BLOCK));
        return s;
    }
}
