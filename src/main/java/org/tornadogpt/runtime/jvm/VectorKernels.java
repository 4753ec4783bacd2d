package org.tornadogpt.runtime.jvm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API versions of the portable kernels' inner loops, on off-heap segments with element
 * (float) offsets, over a range of rows or elements so that {@link FastPaths} can split the work
 * over its pool. Each method computes what the portable kernel named in its comment computes for
 * that range; only the summation order differs (vector lanes, then the lanes in index order), so results agree
 * to rounding.
 *
 * <p>Rules that keep these fast, allocation-free and deterministic:
 * <ul>
 *   <li>Vector code sits in small leaf methods that each handle one row or one block of at most
 *       {@link #BLOCK} elements, called in a scalar loop: a leaf runs thousands of times per
 *       training step, so C2 compiles (and intrinsifies) it within the first steps. (A kernel
 *       whose one long loop ran a few times per step stays in C1 or on-stack-replacement code for
 *       long, where every vector operation allocates a boxed vector.)</li>
 *   <li>No method of ours takes or returns a vector, not even a one-line load: C2 compiles a hot
 *       helper on its own and then inlines it only while that compiled code is smaller than
 *       {@code -XX:InlineSmallCode} (2500 bytes), and a call left in place boxes every vector it
 *       takes or returns (with {@code -XX:InlineSmallCode=500} our former {@code load} helper made
 *       a step allocate 10 MB; 512-bit code is larger, so it crosses the limit sooner). Only the
 *       JDK's vector methods (always inlined) are called with vectors. Helpers work
 *       on arrays and segments: {@link #expSum},
 *       {@link #tanhInPlace} and {@link #keepScales} write to a per-worker scratch array.</li>
 *   <li>Results must not depend on whether code runs interpreted, in C1 or in C2 (a resumed
 *       training run reproduces the uninterrupted one bit for bit, and the JIT state differs
 *       between them): only lanewise add, mul, fma, div, sqrt, min/max, integer and bitwise
 *       ops and conversions, and lane permutations by constant shuffles. Not
 *       {@code reduceLanes(ADD)} (the intrinsic adds lanes in another order than the Java
 *       fallback; sums here add the lanes in index order or in a fixed tree) and not
 *       the {@code EXP}/{@code TANH} operators (SVML and the fallback differ in the last bit: exp
 *       and tanh are polynomials built from basic operations, with scalar twins for loop tails).</li>
 *   <li>A vector carried around a loop is never the receiver of a call, only an argument:
 *       {@code acc = x.add(acc)}, not {@code acc = acc.add(x)}; after the loop it is read through a
 *       fresh vector ({@code FloatVector.zero(S).add(acc).lane(i)}, {@code .intoArray}). Every
 *       vector method dispatches on the receiver's class; for a loop variable C2 knows that class
 *       only from a type profile, and when the method was compiled without one (tiered
 *       compilation does not always profile first) the call stayed a call and boxed every vector
 *       it touched: 19 MB per 124M training step in about one run of six, from one such
 *       {@code max}. {@code -XX:-UseTypeProfile} reproduces it every time; the tests run the
 *       allocation check with it.</li>
 *   <li>No masks: selections are bit operations on the lanes (sign bits spread by an arithmetic
 *       shift), so the same instructions serve every vector width (masks live in vector
 *       registers on AVX2 and in opmask registers on AVX-512, through other code paths).</li>
 * </ul>
 * Every loop has a scalar tail, so any length works.
 */
final class VectorKernels {
    private VectorKernels() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final ByteOrder NO = ByteOrder.nativeOrder();
    static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    static final ValueLayout.OfInt I = ValueLayout.JAVA_INT_UNALIGNED;
    /** Elements per call of an elementwise leaf, and the length of the per-worker scratch. */
    static final int BLOCK = 2048;

    static float get(MemorySegment s, long i) {
        return s.getAtIndex(F, i);
    }

    static void set(MemorySegment s, long i, float v) {
        s.setAtIndex(F, i, v);
    }

    // ------------------------------------------------------------------------------------------
    // exp and tanh: polynomials from basic operations (Cephes' expf and tanhf); the vector forms
    // are written out where they are used on arrays, the scalar twins serve the loop tails
    // ------------------------------------------------------------------------------------------

    static final float EXP_HI = 88.3762626647949f, EXP_LO = -87.33654475f;
    static final float LOG2E = 1.44269504088896341f, LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    static final float ROUND = 12582912f; // 1.5 * 2^23: adding and subtracting it rounds to an integer
    static final float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f,
            P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;
    /** The float sign bit. */
    static final int SIGN = 0x80000000;
    static final float T0 = -5.70498872745e-3f, T1 = 2.06390887954e-2f, T2 = -5.37397155531e-2f,
            T3 = 1.33314422036e-1f, T4 = -3.33332819422e-1f;

    /**
     * e^x: x = n ln2 + r, a degree-7 polynomial in r, times 2^n; about one ulp from Math.exp.
     * Inputs are clamped to [-87.34, 88.38], so results below 2^-126 come out as 2^-126 (a softmax
     * of shifted scores never notices).
     */
    static float exp(float x) {
        x = Math.max(Math.min(x, EXP_HI), EXP_LO);
        float n = (x * LOG2E + ROUND) - ROUND;
        float r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(r, P0, P1);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P4);
        p = Math.fma(p, r, P5);
        p = p * (r * r) + r + 1f;
        return p * Float.intBitsToFloat(((int) n + 127) << 23);
    }

    /** tanh: for |u| &lt; 0.625 the odd polynomial u + u^3 p(u^2), else sign(u) (1 - 2 / (e^{2|u|} + 1)), |u| clamped to 20. */
    static float tanh(float u) {
        float a = Math.min(Math.abs(u), 20f);
        if (a < 0.625f) {
            float z = u * u;
            float p = Math.fma(z, T0, T1);
            p = Math.fma(p, z, T2);
            p = Math.fma(p, z, T3);
            p = Math.fma(p, z, T4);
            return Math.fma(u * z, p, u);
        }
        float t = 1f - 2f / (exp(a + a) + 1f);
        return u < 0f ? -t : t;
    }

    /**
     * a[off + i] = exp(a[off + i] - shift) for i in [0, n); returns their sum (lanes, then a fixed
     * tree, then the tail in order).
     */
    static float expSum(float[] a, int off, int n, float shift) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector x = FloatVector.fromArray(S, a, off + i).sub(shift).min(EXP_HI).max(EXP_LO);
            FloatVector k = x.mul(LOG2E).add(ROUND).sub(ROUND);
            FloatVector r = k.fma(FloatVector.broadcast(S, -LN2_HI), x);
            r = k.fma(FloatVector.broadcast(S, -LN2_LO), r);
            FloatVector p = r.fma(P0, P1);
            p = p.fma(r, FloatVector.broadcast(S, P2));
            p = p.fma(r, FloatVector.broadcast(S, P3));
            p = p.fma(r, FloatVector.broadcast(S, P4));
            p = p.fma(r, FloatVector.broadcast(S, P5));
            p = p.mul(r.mul(r)).add(r).add(1f);
            IntVector e = ((IntVector) k.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
            FloatVector y = p.mul(e.reinterpretAsFloats());
            y.intoArray(a, off + i);
            acc = y.add(acc);
        }
        float s = 0f;
        FloatVector t = FloatVector.zero(S).add(acc);
        for (int lane = 0; lane < L; lane++) s += t.lane(lane); // fixed order
        for (; i < n; i++) {
            float y = exp(a[off + i] - shift);
            a[off + i] = y;
            s += y;
        }
        return s;
    }

    /** a[off + i] = tanh(a[off + i]) for i in [0, n). */
    static void tanhInPlace(float[] a, int off, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector u = FloatVector.fromArray(S, a, off + i);
            FloatVector z = u.mul(u);
            FloatVector q = z.fma(T0, T1);
            q = q.fma(z, FloatVector.broadcast(S, T2));
            q = q.fma(z, FloatVector.broadcast(S, T3));
            q = q.fma(z, FloatVector.broadcast(S, T4));
            FloatVector small = u.mul(z).fma(q, u);
            FloatVector ab = u.abs().min(20f);
            // exp(2|u|): expSum's polynomial, written out again because a helper taking or
            // returning a vector is not intrinsified (see the class comment)
            FloatVector x = ab.add(ab).min(EXP_HI).max(EXP_LO);
            FloatVector k = x.mul(LOG2E).add(ROUND).sub(ROUND);
            FloatVector r = k.fma(FloatVector.broadcast(S, -LN2_HI), x);
            r = k.fma(FloatVector.broadcast(S, -LN2_LO), r);
            FloatVector p = r.fma(P0, P1);
            p = p.fma(r, FloatVector.broadcast(S, P2));
            p = p.fma(r, FloatVector.broadcast(S, P3));
            p = p.fma(r, FloatVector.broadcast(S, P4));
            p = p.fma(r, FloatVector.broadcast(S, P5));
            p = p.mul(r.mul(r)).add(r).add(1f);
            IntVector e = ((IntVector) k.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
            FloatVector ex = p.mul(e.reinterpretAsFloats());
            FloatVector t = FloatVector.broadcast(S, 1f).sub(FloatVector.broadcast(S, 2f).div(ex.add(1f)));
            // selections by bit operations, not masks (masks take other code paths per ISA):
            // t >= 0 gets u's sign; then small where |u| < 0.625, i.e. where |u| - 0.625 is negative
            IntVector ti = t.reinterpretAsInts().lanewise(VectorOperators.OR, u.reinterpretAsInts().lanewise(VectorOperators.AND, SIGN));
            IntVector useSmall = ab.sub(0.625f).reinterpretAsInts().lanewise(VectorOperators.ASHR, 31);
            small.reinterpretAsInts().lanewise(VectorOperators.AND, useSmall)
                    .lanewise(VectorOperators.OR, ti.lanewise(VectorOperators.AND_NOT, useSmall))
                    .reinterpretAsFloats().intoArray(a, off + i);
        }
        for (; i < n; i++) a[off + i] = tanh(a[off + i]);
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

    /** out[off + i] = keep scale of element idx0 + i (scale or 0) for i in [0, n). */
    static void keepScales(float[] out, int off, int n, int idx0, int key, int threshold, float scale) {
        IntVector svi = FloatVector.broadcast(S, scale).reinterpretAsInts();
        int i = 0;
        for (; i <= n - L; i += L) {
            IntVector h = IntVector.zero(IS).addIndex(1).add(idx0 + i).lanewise(VectorOperators.XOR, key);
            h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 16)).mul(0x7feb352d);
            h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 15)).mul(0x846ca68b);
            h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 16));
            // all ones where (h >>> 8) < threshold (both below 2^24, so the difference's sign tells)
            IntVector drop = h.lanewise(VectorOperators.LSHR, 8).sub(threshold).lanewise(VectorOperators.ASHR, 31);
            svi.lanewise(VectorOperators.AND_NOT, drop).reinterpretAsFloats().intoArray(out, off + i);
        }
        for (; i < n; i++) out[off + i] = keepScalar(idx0 + i, key, threshold, scale);
    }

    /** out = a + b * keep for n elements; threshold 0 means keep all with scale 1 (ResidualKernels). */
    static void residual(MemorySegment out, long oOff, MemorySegment a, long aOff, MemorySegment b, long bOff,
                         int idx0, int n, int key, int threshold, float scale, float[] tmp) {
        for (int i = 0; i < n; i += BLOCK)
            residualBlock(out, oOff + i, a, aOff + i, b, bOff + i, idx0 + i, Math.min(BLOCK, n - i), key, threshold, scale, tmp);
    }

    private static void residualBlock(MemorySegment out, long oOff, MemorySegment a, long aOff, MemorySegment b, long bOff,
                                      int idx0, int n, int key, int threshold, float scale, float[] tmp) {
        int i = 0;
        if (threshold == 0) {
            for (; i <= n - L; i += L) FloatVector.fromMemorySegment(S, a, (aOff + i) * Float.BYTES, NO).add(FloatVector.fromMemorySegment(S, b, (bOff + i) * Float.BYTES, NO)).intoMemorySegment(out, (oOff + i) * Float.BYTES, NO);
            for (; i < n; i++) set(out, oOff + i, get(a, aOff + i) + get(b, bOff + i));
        } else {
            keepScales(tmp, 0, n, idx0, key, threshold, scale);
            for (; i <= n - L; i += L)
                FloatVector.fromMemorySegment(S, a, (aOff + i) * Float.BYTES, NO).add(FloatVector.fromMemorySegment(S, b, (bOff + i) * Float.BYTES, NO).mul(FloatVector.fromArray(S, tmp, i))).intoMemorySegment(out, (oOff + i) * Float.BYTES, NO);
            for (; i < n; i++) set(out, oOff + i, get(a, aOff + i) + get(b, bOff + i) * tmp[i]);
        }
    }

    /** out = in * keep (ResidualKernels.backward, DropoutKernels in place): a copy when threshold is 0. */
    static void scaledCopy(MemorySegment out, long oOff, MemorySegment in, long iOff, int idx0, int n, int key, int threshold,
                           float scale, float[] tmp) {
        if (threshold == 0) {
            if (out != in || oOff != iOff) MemorySegment.copy(in, iOff * Float.BYTES, out, oOff * Float.BYTES, (long) n * Float.BYTES);
            return;
        }
        for (int i = 0; i < n; i += BLOCK) scaledCopyBlock(out, oOff + i, in, iOff + i, idx0 + i, Math.min(BLOCK, n - i), key, threshold, scale, tmp);
    }

    private static void scaledCopyBlock(MemorySegment out, long oOff, MemorySegment in, long iOff, int idx0, int n, int key,
                                        int threshold, float scale, float[] tmp) {
        keepScales(tmp, 0, n, idx0, key, threshold, scale);
        int i = 0;
        for (; i <= n - L; i += L) FloatVector.fromMemorySegment(S, in, (iOff + i) * Float.BYTES, NO).mul(FloatVector.fromArray(S, tmp, i)).intoMemorySegment(out, (oOff + i) * Float.BYTES, NO);
        for (; i < n; i++) set(out, oOff + i, get(in, iOff + i) * tmp[i]);
    }

    // ------------------------------------------------------------------------------------------
    // Layer norm (LayerNormKernels)
    // ------------------------------------------------------------------------------------------

    static float sum(MemorySegment x, long off, int n) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
        int i = 0;
        for (; i <= n - 2 * L; i += 2 * L) {
            s0 = FloatVector.fromMemorySegment(S, x, (off + i) * Float.BYTES, NO).add(s0);
            s1 = FloatVector.fromMemorySegment(S, x, (off + i + L) * Float.BYTES, NO).add(s1);
        }
        for (; i <= n - L; i += L) s0 = FloatVector.fromMemorySegment(S, x, (off + i) * Float.BYTES, NO).add(s0);
        FloatVector t = FloatVector.zero(S).add(s0).add(s1);
        float r = 0f;
        for (int lane = 0; lane < L; lane++) r += t.lane(lane); // fixed order
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
        long x = inpOff + (long) r * C;
        float m = sum(inp, x, C) / C;
        FloatVector mv = FloatVector.broadcast(S, m);
        FloatVector v0 = FloatVector.zero(S);
        int c = 0;
        for (; c <= C - L; c += L) {
            FloatVector d = FloatVector.fromMemorySegment(S, inp, (x + c) * Float.BYTES, NO).sub(mv);
            v0 = d.fma(d, v0);
        }
        float var = 0f;
        FloatVector vt = FloatVector.zero(S).add(v0);
        for (int lane = 0; lane < L; lane++) var += vt.lane(lane); // fixed order
        for (; c < C; c++) {
            float d = get(inp, x + c) - m;
            var += d * d;
        }
        float s = 1f / (float) Math.sqrt(var / C + 1e-5f);
        FloatVector sv = FloatVector.broadcast(S, s);
        long o = outOff + (long) r * C;
        c = 0;
        for (; c <= C - L; c += L)
            FloatVector.fromMemorySegment(S, inp, (x + c) * Float.BYTES, NO).sub(mv).mul(sv).fma(FloatVector.fromMemorySegment(S, params, (wOff + c) * Float.BYTES, NO), FloatVector.fromMemorySegment(S, params, (bOff + c) * Float.BYTES, NO)).intoMemorySegment(out, (o + c) * Float.BYTES, NO);
        for (; c < C; c++) set(out, o + c, (get(inp, x + c) - m) * s * get(params, wOff + c) + get(params, bOff + c));
        set(mean, statOff + r, m);
        set(rstd, statOff + r, s);
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
        float m = get(mean, statOff + r), s = get(rstd, statOff + r);
        FloatVector mv = FloatVector.broadcast(S, m), sv = FloatVector.broadcast(S, s);
        long x = inpOff + (long) r * C, o = doutOff + (long) r * C, di = dinpOff + (long) r * C;
        FloatVector sd = FloatVector.zero(S), sdn = FloatVector.zero(S);
        int c = 0;
        for (; c <= C - L; c += L) {
            FloatVector n = FloatVector.fromMemorySegment(S, inp, (x + c) * Float.BYTES, NO).sub(mv).mul(sv);
            FloatVector dn = FloatVector.fromMemorySegment(S, dout, (o + c) * Float.BYTES, NO).mul(FloatVector.fromMemorySegment(S, params, (wOff + c) * Float.BYTES, NO));
            sd = dn.add(sd);
            sdn = dn.fma(n, sdn);
        }
        float sumD = 0f, sumDN = 0f;
        FloatVector sdt = FloatVector.zero(S).add(sd), sdnt = FloatVector.zero(S).add(sdn);
        for (int lane = 0; lane < L; lane++) { // fixed order
            sumD += sdt.lane(lane);
            sumDN += sdnt.lane(lane);
        }
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
            FloatVector n = FloatVector.fromMemorySegment(S, inp, (x + c) * Float.BYTES, NO).sub(mv).mul(sv);
            FloatVector dn = FloatVector.fromMemorySegment(S, dout, (o + c) * Float.BYTES, NO).mul(FloatVector.fromMemorySegment(S, params, (wOff + c) * Float.BYTES, NO));
            FloatVector g = dn.sub(mdv).sub(n.mul(mdnv)).mul(sv);
            FloatVector.fromMemorySegment(S, dinp, (di + c) * Float.BYTES, NO).add(g).intoMemorySegment(dinp, (di + c) * Float.BYTES, NO);
        }
        for (; c < C; c++) {
            float n = (get(inp, x + c) - m) * s;
            float dn = get(dout, o + c) * get(params, wOff + c);
            set(dinp, di + c, get(dinp, di + c) + s * (dn - meanD - n * meanDN));
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
            FloatVector d0 = FloatVector.fromMemorySegment(S, dout, (doutOff + (long) r * C + c) * Float.BYTES, NO);
            w0 = d0.fma(FloatVector.fromMemorySegment(S, inp, (inpOff + (long) r * C + c) * Float.BYTES, NO).sub(mv).mul(sv), w0);
            b0 = d0.add(b0);
        }
        FloatVector.fromMemorySegment(S, grads, (wOff + c) * Float.BYTES, NO).add(w0).intoMemorySegment(grads, (wOff + c) * Float.BYTES, NO);
        FloatVector.fromMemorySegment(S, grads, (bOff + c) * Float.BYTES, NO).add(b0).intoMemorySegment(grads, (bOff + c) * Float.BYTES, NO);
    }

    // ------------------------------------------------------------------------------------------
    // GELU (GeluKernels), tanh form
    // ------------------------------------------------------------------------------------------

    static final float GELU_S = 0.7978845608028654f;
    static final float GELU_K = 0.044715f;

    /** out[i] = gelu(inp[i]) for i in [0, n); tmp: scratch of BLOCK floats. */
    static void geluForward(MemorySegment out, long oOff, MemorySegment inp, long iOff, int n, float[] tmp) {
        for (int i = 0; i < n; i += BLOCK) geluForwardBlock(out, oOff + i, inp, iOff + i, Math.min(BLOCK, n - i), tmp);
    }

    private static void geluForwardBlock(MemorySegment out, long oOff, MemorySegment inp, long iOff, int n, float[] tmp) {
        geluArgument(inp, iOff, n, tmp);
        tanhInPlace(tmp, 0, n);
        FloatVector half = FloatVector.broadcast(S, 0.5f), one = FloatVector.broadcast(S, 1f);
        int i = 0;
        for (; i <= n - L; i += L)
            half.mul(FloatVector.fromMemorySegment(S, inp, (iOff + i) * Float.BYTES, NO)).mul(one.add(FloatVector.fromArray(S, tmp, i))).intoMemorySegment(out, (oOff + i) * Float.BYTES, NO);
        for (; i < n; i++) set(out, oOff + i, 0.5f * get(inp, iOff + i) * (1f + tmp[i]));
    }

    /** tmp[i] = sqrt(2/pi) (x + 0.044715 x^3) for x = inp[iOff + i]. */
    private static void geluArgument(MemorySegment inp, long iOff, int n, float[] tmp) {
        FloatVector s = FloatVector.broadcast(S, GELU_S), k = FloatVector.broadcast(S, GELU_K);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector x = FloatVector.fromMemorySegment(S, inp, (iOff + i) * Float.BYTES, NO);
            s.mul(x.mul(x).mul(x).fma(k, x)).intoArray(tmp, i);
        }
        for (; i < n; i++) {
            float x = get(inp, iOff + i);
            tmp[i] = GELU_S * Math.fma(x * x * x, GELU_K, x);
        }
    }

    /** d[i] *= gelu'(inp[i]) for i in [0, n); tmp: scratch of BLOCK floats. */
    static void geluBackward(MemorySegment d, long dOff, MemorySegment inp, long iOff, int n, float[] tmp) {
        for (int i = 0; i < n; i += BLOCK) geluBackwardBlock(d, dOff + i, inp, iOff + i, Math.min(BLOCK, n - i), tmp);
    }

    private static void geluBackwardBlock(MemorySegment d, long dOff, MemorySegment inp, long iOff, int n, float[] tmp) {
        geluArgument(inp, iOff, n, tmp);
        tanhInPlace(tmp, 0, n);
        FloatVector half = FloatVector.broadcast(S, 0.5f), one = FloatVector.broadcast(S, 1f);
        FloatVector s = FloatVector.broadcast(S, GELU_S), k3 = FloatVector.broadcast(S, 3f * GELU_K);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector x = FloatVector.fromMemorySegment(S, inp, (iOff + i) * Float.BYTES, NO);
            FloatVector th = FloatVector.fromArray(S, tmp, i);
            FloatVector du = s.mul(x.mul(x).fma(k3, one));
            FloatVector sech2 = one.sub(th.mul(th));
            FloatVector grad = half.mul(one.add(th)).add(half.mul(x).mul(sech2).mul(du));
            FloatVector.fromMemorySegment(S, d, (dOff + i) * Float.BYTES, NO).mul(grad).intoMemorySegment(d, (dOff + i) * Float.BYTES, NO);
        }
        for (; i < n; i++) {
            float x = get(inp, iOff + i);
            float th = tmp[i];
            float du = GELU_S * Math.fma(x * x, 3f * GELU_K, 1f);
            float grad = 0.5f * (1f + th) + 0.5f * x * (1f - th * th) * du;
            set(d, dOff + i, get(d, dOff + i) * grad);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Softmax and cross-entropy over the vocabulary (CrossEntropyKernels)
    // ------------------------------------------------------------------------------------------

    /** Maximum of x[off, off + n) (order-independent: lanes may be combined in any order). */
    static float max(MemorySegment x, long off, int n) {
        FloatVector m0 = FloatVector.broadcast(S, -Float.MAX_VALUE), m1 = m0;
        int i = 0;
        for (; i <= n - 2 * L; i += 2 * L) {
            m0 = FloatVector.fromMemorySegment(S, x, (off + i) * Float.BYTES, NO).max(m0);
            m1 = FloatVector.fromMemorySegment(S, x, (off + i + L) * Float.BYTES, NO).max(m1);
        }
        for (; i <= n - L; i += L) m0 = FloatVector.fromMemorySegment(S, x, (off + i) * Float.BYTES, NO).max(m0);
        float m = FloatVector.broadcast(S, -Float.MAX_VALUE).max(m0).max(m1).reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) m = Math.max(m, get(x, off + i));
        return m;
    }

    /** out[i] = exp(x[i] - max) for i in [0, n), block by block through tmp; returns the sum. */
    static float expShifted(MemorySegment out, long oOff, MemorySegment x, long xOff, int n, float max, float[] tmp) {
        float s = 0f;
        for (int i = 0; i < n; i += BLOCK) {
            int m = Math.min(BLOCK, n - i);
            MemorySegment.copy(x, F, (xOff + i) * Float.BYTES, tmp, 0, m);
            s += expSum(tmp, 0, m, max);
            MemorySegment.copy(tmp, 0, out, F, (oOff + i) * Float.BYTES, m);
        }
        return s;
    }

    static void scale(MemorySegment x, long off, int n, float f) {
        for (int i = 0; i < n; i += BLOCK) scaleBlock(x, off + i, Math.min(BLOCK, n - i), f);
    }

    private static void scaleBlock(MemorySegment x, long off, int n, float f) {
        FloatVector fv = FloatVector.broadcast(S, f);
        int i = 0;
        for (; i <= n - L; i += L) FloatVector.fromMemorySegment(S, x, (off + i) * Float.BYTES, NO).mul(fv).intoMemorySegment(x, (off + i) * Float.BYTES, NO);
        for (; i < n; i++) set(x, off + i, get(x, off + i) * f);
    }

    /** Rows [r0, r1) of CrossEntropyKernels.forward. */
    static void crossEntropyForward(MemorySegment probs, MemorySegment losses, MemorySegment logits, MemorySegment targets,
                                    int V, int r0, int r1, float[] tmp) {
        for (int r = r0; r < r1; r++) {
            long base = (long) r * V;
            float max = max(logits, base, V);
            float sum = expShifted(probs, base, logits, base, V, max, tmp);
            scale(probs, base, V, 1f / sum);
            int tgt = targets.getAtIndex(I, r);
            set(losses, r, max + (float) Math.log(sum) - get(logits, base + tgt));
        }
    }

    /** Rows [r0, r1) of CrossEntropyKernels.backward: dlogits = (probs - onehot(target)) / N. */
    static void crossEntropyBackward(MemorySegment dlogits, MemorySegment probs, MemorySegment targets, int V, int N, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            long base = (long) r * V;
            int tgt = targets.getAtIndex(I, r);
            for (int i = 0; i < V; i += BLOCK) divideBlock(dlogits, base + i, probs, base + i, Math.min(BLOCK, V - i), N);
            set(dlogits, base + tgt, (get(probs, base + tgt) - 1f) / N);
        }
    }

    private static void divideBlock(MemorySegment out, long oOff, MemorySegment x, long xOff, int n, int d) {
        FloatVector dv = FloatVector.broadcast(S, (float) d);
        int i = 0;
        for (; i <= n - L; i += L) FloatVector.fromMemorySegment(S, x, (xOff + i) * Float.BYTES, NO).div(dv).intoMemorySegment(out, (oOff + i) * Float.BYTES, NO);
        for (; i < n; i++) set(out, oOff + i, get(x, xOff + i) / d);
    }

    // ------------------------------------------------------------------------------------------
    // Optimizer (GradientKernels, AdamWKernels)
    // ------------------------------------------------------------------------------------------

    /** Sum of squares of g[from, to), block by block. */
    static float sumSquares(MemorySegment g, long from, long to) {
        float s = 0f;
        for (long i = from; i < to; i += BLOCK) s += sumSquaresBlock(g, i, Math.min(to, i + BLOCK));
        return s;
    }

    private static float sumSquaresBlock(MemorySegment g, long from, long to) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
        long i = from;
        for (; i <= to - 2 * L; i += 2 * L) {
            FloatVector a = FloatVector.fromMemorySegment(S, g, i * Float.BYTES, NO), b = FloatVector.fromMemorySegment(S, g, (i + L) * Float.BYTES, NO);
            s0 = a.fma(a, s0);
            s1 = b.fma(b, s1);
        }
        for (; i <= to - L; i += L) {
            FloatVector a = FloatVector.fromMemorySegment(S, g, i * Float.BYTES, NO);
            s0 = a.fma(a, s0);
        }
        FloatVector t = FloatVector.zero(S).add(s0).add(s1);
        float s = 0f;
        for (int lane = 0; lane < L; lane++) s += t.lane(lane); // fixed order
        for (; i < to; i++) {
            float x = get(g, i);
            s += x * x;
        }
        return s;
    }

    /** Elements [from, to) of AdamWKernels.update. */
    static void adamw(MemorySegment p, MemorySegment m, MemorySegment v, MemorySegment g, long from, long to,
                      float gs, float decay, float beta1, float beta2, float eps, float stepSize, float bc2Sqrt) {
        for (long i = from; i < to; i += BLOCK) adamwBlock(p, m, v, g, i, Math.min(to, i + BLOCK), gs, decay, beta1, beta2, eps, stepSize, bc2Sqrt);
    }

    private static void adamwBlock(MemorySegment p, MemorySegment m, MemorySegment v, MemorySegment g, long from, long to,
                                   float gs, float decay, float beta1, float beta2, float eps, float stepSize, float bc2Sqrt) {
        FloatVector gsv = FloatVector.broadcast(S, gs), dv = FloatVector.broadcast(S, decay);
        FloatVector b1 = FloatVector.broadcast(S, beta1), b2 = FloatVector.broadcast(S, beta2);
        FloatVector c1 = FloatVector.broadcast(S, 1f - beta1), c2 = FloatVector.broadcast(S, 1f - beta2);
        FloatVector ev = FloatVector.broadcast(S, eps), sv = FloatVector.broadcast(S, stepSize), bc = FloatVector.broadcast(S, bc2Sqrt);
        long i = from;
        for (; i <= to - L; i += L) {
            FloatVector gi = FloatVector.fromMemorySegment(S, g, i * Float.BYTES, NO).mul(gsv);
            FloatVector pi = FloatVector.fromMemorySegment(S, p, i * Float.BYTES, NO).mul(dv);
            FloatVector mi = b1.mul(FloatVector.fromMemorySegment(S, m, i * Float.BYTES, NO)).add(c1.mul(gi));
            FloatVector vi = b2.mul(FloatVector.fromMemorySegment(S, v, i * Float.BYTES, NO)).add(c2.mul(gi).mul(gi));
            FloatVector denom = vi.sqrt().div(bc).add(ev);
            pi.sub(sv.mul(mi).div(denom)).intoMemorySegment(p, i * Float.BYTES, NO);
            mi.intoMemorySegment(m, i * Float.BYTES, NO);
            vi.intoMemorySegment(v, i * Float.BYTES, NO);
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

    /** out[oOff + i] = a[aOff + i] + b[bOff + i] for i in [0, n). */
    static void add(MemorySegment out, long oOff, MemorySegment a, long aOff, MemorySegment b, long bOff, int n) {
        for (int i = 0; i < n; i += BLOCK) addBlock(out, oOff + i, a, aOff + i, b, bOff + i, Math.min(BLOCK, n - i));
    }

    private static void addBlock(MemorySegment out, long oOff, MemorySegment a, long aOff, MemorySegment b, long bOff, int n) {
        int i = 0;
        for (; i <= n - L; i += L) FloatVector.fromMemorySegment(S, a, (aOff + i) * Float.BYTES, NO).add(FloatVector.fromMemorySegment(S, b, (bOff + i) * Float.BYTES, NO)).intoMemorySegment(out, (oOff + i) * Float.BYTES, NO);
        for (; i < n; i++) set(out, oOff + i, get(a, aOff + i) + get(b, bOff + i));
    }

    /** acc[off + i] += x[xOff + i] for i in [0, n). */
    static void addInto(MemorySegment acc, long off, MemorySegment x, long xOff, int n) {
        add(acc, off, acc, off, x, xOff, n);
    }

    /** g[gOff + i] += sum_{b < B} x[xOff + b*stride + i] for i in [0, n) (EncoderKernels.backwardWpe), b in order. */
    static void sumRowsInto(MemorySegment g, long gOff, MemorySegment x, long xOff, long stride, int B, int n) {
        for (int b = 0; b < B; b++) addInto(g, gOff, x, xOff + b * stride, n);
    }

    // ------------------------------------------------------------------------------------------
    // Matrix-vector products for few rows (decode): out[i, o] = bias[o] + inp[i, :] . w[o, :]
    // ------------------------------------------------------------------------------------------

    /**
     * Output columns [o0, o1) of MatmulKernels.forward for n (small) input rows; bias may be null.
     * Memory-bound: each weight row is read once (and reused from L1/L2 for the other input rows).
     * Eight weight rows go at a time, one accumulator each, so that eight streams are in flight:
     * one row at a time (a dot product with eight accumulators) reached 0.43 of a plain sum's read
     * bandwidth on a 2-core AVX-512 machine, eight consecutive rows 0.8 (docs/benchmarks.md,
     * session 8). The eight rows are spread: the range is cut into eight equal runs of rows and
     * step j takes row j of each run, so each of the eight streams reads its run from start to end
     * instead of starting afresh every 8 rows (rows of 768 floats are 48 cache lines). With the
     * lane-sum tree of {@link #laneSums8}, a whole decode's products took 9-20% less time than
     * eight consecutive rows (session 9). Each row's sum is the same whatever rows it is
     * grouped with, so the bits do not depend on the range. The last (o1 - o0) % 8 rows use
     * {@link #dot}.
     */
    static void gemv(MemorySegment out, long outOff, MemorySegment inp, long inpOff, MemorySegment w, long wOff,
                     MemorySegment bias, long bOff, int n, int C, int OC, int o0, int o1, float[] scratch) {
        int run = (o1 - o0) / 8;
        long ld = (long) run * C;
        for (int j = 0; j < run; j++) {
            int o = o0 + j;
            long wr = wOff + (long) o * C;
            for (int i = 0; i < n; i++)
                dot8(out, outOff + (long) i * OC + o, run, inp, inpOff + (long) i * C, w, wr, ld, C, bias, bOff + o, scratch);
        }
        leftoverRows(out, outOff, inp, inpOff, w, wOff, bias, bOff, 0, n, C, OC, o0 + 8 * run, o1);
    }

    /** out[i, o] = bias[o] + inp[i, :] . w[o, :] with {@link #dot}, for input rows [i0, i1) and columns [o0, o1). */
    private static void leftoverRows(MemorySegment out, long outOff, MemorySegment inp, long inpOff, MemorySegment w, long wOff,
                                     MemorySegment bias, long bOff, int i0, int i1, int C, int OC, int o0, int o1) {
        for (int o = o0; o < o1; o++) {
            float b = bias == null ? 0f : get(bias, bOff + o);
            long wr = wOff + (long) o * C;
            for (int i = i0; i < i1; i++) set(out, outOff + (long) i * OC + o, dot(inp, inpOff + (long) i * C, w, wr, C) + b);
        }
    }

    /**
     * {@link #gemv} for more input rows (a prompt's prefill): four weight rows times four input
     * rows per step, sixteen accumulators, so each weight vector loaded serves four rows and each
     * input vector four weight rows (eight loads per sixteen multiply-adds). The four weight rows
     * come from four runs of the range, as in gemv, and stay in L1 while the groups of four input
     * rows go by. Input rows past the last multiple of 4 use {@link #dot}. Same bits on any
     * range: a sum depends only on its own accumulator.
     */
    static void fewRows(MemorySegment out, long outOff, MemorySegment inp, long inpOff, MemorySegment w, long wOff,
                        MemorySegment bias, long bOff, int n, int C, int OC, int o0, int o1, float[] scratch) {
        int run = (o1 - o0) / 4, n4 = n / 4 * 4;
        long ld = (long) run * C;
        for (int j = 0; j < run; j++) {
            int o = o0 + j;
            long wr = wOff + (long) o * C;
            for (int i = 0; i < n4; i += 4)
                dot4x4(out, outOff + (long) i * OC + o, OC, run, inp, inpOff + (long) i * C, w, wr, ld, C, bias, bOff + o, scratch);
            for (int r = 0; r < 4; r++)
                leftoverRows(out, outOff, inp, inpOff, w, wOff, bias, bOff, n4, n, C, OC, o + r * run, o + r * run + 1);
        }
        leftoverRows(out, outOff, inp, inpOff, w, wOff, bias, bOff, 0, n, C, OC, o0 + 4 * run, o1);
    }

    // the lane sums of eight vectors as a tree (when L is 8 or 16): lanes are moved by constant
    // shuffles that swap groups of h lanes, and chosen by bit masks (no vector masks, see the
    // class comment)
    private static final boolean TREE = L == 8 || L == 16;
    private static final int HA = Math.max(1, L / 2), HB = Math.max(1, L / 4), HC = Math.max(1, L / 8);
    private static final VectorShuffle<Float> SWAP_A = swap(HA), SWAP_B = swap(HB), SWAP_C = swap(HC), SWAP_1 = swap(1);
    private static final IntVector HI_A = laneBit(HA), HI_B = laneBit(HB), HI_C = laneBit(HC);
    private static final IntVector LO_A = HI_A.not(), LO_B = HI_B.not(), LO_C = HI_C.not();

    private static VectorShuffle<Float> swap(int h) {
        return VectorShuffle.fromOp(S, i -> i ^ h);
    }

    /** -1 in the lanes whose index has bit h set, 0 in the others. */
    private static IntVector laneBit(int h) {
        return IntVector.zero(IS).addIndex(1).lanewise(VectorOperators.AND, h).compare(VectorOperators.NE, 0).toVector().reinterpretAsInts();
    }

    /** The lane of the tree's result that holds the sum of vector r. */
    private static int treeLane(int r) {
        return ((r & 1) != 0 ? HA : 0) | ((r & 2) != 0 ? HB : 0) | ((r & 4) != 0 ? HC : 0);
    }

    private static final int LANE_OF_0 = treeLane(0), LANE_OF_1 = treeLane(1), LANE_OF_2 = treeLane(2), LANE_OF_3 = treeLane(3);
    private static final int LANE_OF_4 = treeLane(4), LANE_OF_5 = treeLane(5), LANE_OF_6 = treeLane(6), LANE_OF_7 = treeLane(7);

    /**
     * a[off + r] = the sum of the lanes of the vector a[off + r*L, off + (r+1)*L), for r &lt; 8. With
     * 8 or 16 lanes the eight are summed together as a tree (pairs of lanes, then pairs of pairs,
     * in a fixed order; with 16 lanes 30 vector operations instead of 128 lane extractions),
     * otherwise each in index order. Either way a sum depends only on its own vector's lanes, and
     * interpreted and compiled code give the same bits. The accumulators of {@link #dot8} and
     * {@link #dot4x4} come here through their per-worker scratch (no vector crosses a call).
     */
    static void laneSums8(float[] a, int off) {
        float s0, s1, s2, s3, s4, s5, s6, s7;
        if (TREE) {
            // level A: lanes i and i^HA summed; vector 2k in the lanes without bit HA, 2k+1 in those with it
            FloatVector p = FloatVector.fromArray(S, a, off), q = FloatVector.fromArray(S, a, off + L);
            FloatVector u01 = p.add(p.rearrange(SWAP_A)).reinterpretAsInts().and(LO_A).or(q.add(q.rearrange(SWAP_A)).reinterpretAsInts().and(HI_A)).reinterpretAsFloats();
            p = FloatVector.fromArray(S, a, off + 2 * L);
            q = FloatVector.fromArray(S, a, off + 3 * L);
            FloatVector u23 = p.add(p.rearrange(SWAP_A)).reinterpretAsInts().and(LO_A).or(q.add(q.rearrange(SWAP_A)).reinterpretAsInts().and(HI_A)).reinterpretAsFloats();
            p = FloatVector.fromArray(S, a, off + 4 * L);
            q = FloatVector.fromArray(S, a, off + 5 * L);
            FloatVector u45 = p.add(p.rearrange(SWAP_A)).reinterpretAsInts().and(LO_A).or(q.add(q.rearrange(SWAP_A)).reinterpretAsInts().and(HI_A)).reinterpretAsFloats();
            p = FloatVector.fromArray(S, a, off + 6 * L);
            q = FloatVector.fromArray(S, a, off + 7 * L);
            FloatVector u67 = p.add(p.rearrange(SWAP_A)).reinterpretAsInts().and(LO_A).or(q.add(q.rearrange(SWAP_A)).reinterpretAsInts().and(HI_A)).reinterpretAsFloats();
            // level B: vectors 0-1 and 2-3 (4-5 and 6-7) share a vector, told apart by bit HB
            FloatVector v0 = u01.add(u01.rearrange(SWAP_B)).reinterpretAsInts().and(LO_B).or(u23.add(u23.rearrange(SWAP_B)).reinterpretAsInts().and(HI_B)).reinterpretAsFloats();
            FloatVector v1 = u45.add(u45.rearrange(SWAP_B)).reinterpretAsInts().and(LO_B).or(u67.add(u67.rearrange(SWAP_B)).reinterpretAsInts().and(HI_B)).reinterpretAsFloats();
            // level C: all eight, told apart by bit HC
            FloatVector t = v0.add(v0.rearrange(SWAP_C)).reinterpretAsInts().and(LO_C).or(v1.add(v1.rearrange(SWAP_C)).reinterpretAsInts().and(HI_C)).reinterpretAsFloats();
            if (L == 16) t = t.add(t.rearrange(SWAP_1)); // the two lanes left per vector
            s0 = t.lane(LANE_OF_0);
            s1 = t.lane(LANE_OF_1);
            s2 = t.lane(LANE_OF_2);
            s3 = t.lane(LANE_OF_3);
            s4 = t.lane(LANE_OF_4);
            s5 = t.lane(LANE_OF_5);
            s6 = t.lane(LANE_OF_6);
            s7 = t.lane(LANE_OF_7);
        } else {
            s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = 0f;
            for (int lane = 0; lane < L; lane++) {
                s0 += a[off + lane];
                s1 += a[off + L + lane];
                s2 += a[off + 2 * L + lane];
                s3 += a[off + 3 * L + lane];
                s4 += a[off + 4 * L + lane];
                s5 += a[off + 5 * L + lane];
                s6 += a[off + 6 * L + lane];
                s7 += a[off + 7 * L + lane];
            }
        }
        a[off] = s0;
        a[off + 1] = s1;
        a[off + 2] = s2;
        a[off + 3] = s3;
        a[off + 4] = s4;
        a[off + 5] = s5;
        a[off + 6] = s6;
        a[off + 7] = s7;
    }

    /**
     * out[oOff + r*os] = bias[bOff + r*os] (or 0) + x[xOff, xOff + n) . y[yOff + r*ld, yOff + r*ld + n)
     * for r &lt; 8: eight rows of y, one accumulator each, lanes summed by {@link #laneSums8}.
     */
    private static void dot8(MemorySegment out, long oOff, long os, MemorySegment x, long xOff, MemorySegment y, long yOff,
                             long ld, int n, MemorySegment bias, long bOff, float[] scratch) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
        FloatVector a4 = FloatVector.zero(S), a5 = FloatVector.zero(S), a6 = FloatVector.zero(S), a7 = FloatVector.zero(S);
        final long row = ld * Float.BYTES;
        int c = 0;
        for (; c <= n - L; c += L) {
            FloatVector xv = FloatVector.fromMemorySegment(S, x, (xOff + c) * Float.BYTES, NO);
            long yc = (yOff + c) * Float.BYTES;
            a0 = xv.fma(FloatVector.fromMemorySegment(S, y, yc, NO), a0);
            a1 = xv.fma(FloatVector.fromMemorySegment(S, y, yc + row, NO), a1);
            a2 = xv.fma(FloatVector.fromMemorySegment(S, y, yc + 2 * row, NO), a2);
            a3 = xv.fma(FloatVector.fromMemorySegment(S, y, yc + 3 * row, NO), a3);
            a4 = xv.fma(FloatVector.fromMemorySegment(S, y, yc + 4 * row, NO), a4);
            a5 = xv.fma(FloatVector.fromMemorySegment(S, y, yc + 5 * row, NO), a5);
            a6 = xv.fma(FloatVector.fromMemorySegment(S, y, yc + 6 * row, NO), a6);
            a7 = xv.fma(FloatVector.fromMemorySegment(S, y, yc + 7 * row, NO), a7);
        }
        FloatVector z = FloatVector.zero(S);
        z.add(a0).intoArray(scratch, 0);
        z.add(a1).intoArray(scratch, L);
        z.add(a2).intoArray(scratch, 2 * L);
        z.add(a3).intoArray(scratch, 3 * L);
        z.add(a4).intoArray(scratch, 4 * L);
        z.add(a5).intoArray(scratch, 5 * L);
        z.add(a6).intoArray(scratch, 6 * L);
        z.add(a7).intoArray(scratch, 7 * L);
        laneSums8(scratch, 0);
        for (int r = 0; r < 8; r++) storeRow(out, oOff + r * os, scratch[r], x, xOff, y, yOff + r * ld, n, c, bias, bOff + r * os);
    }

    /**
     * out[oOff + i*ors + r*os] = bias[bOff + r*os] (or 0) + x[xOff + i*n, +n) . y[yOff + r*ld, +n)
     * for i, r &lt; 4: four input rows (n apart) times four rows of y, sixteen accumulators.
     */
    private static void dot4x4(MemorySegment out, long oOff, long ors, long os, MemorySegment x, long xOff, MemorySegment y,
                               long yOff, long ld, int n, MemorySegment bias, long bOff, float[] scratch) {
        FloatVector a00 = FloatVector.zero(S), a01 = FloatVector.zero(S), a02 = FloatVector.zero(S), a03 = FloatVector.zero(S);
        FloatVector a10 = FloatVector.zero(S), a11 = FloatVector.zero(S), a12 = FloatVector.zero(S), a13 = FloatVector.zero(S);
        FloatVector a20 = FloatVector.zero(S), a21 = FloatVector.zero(S), a22 = FloatVector.zero(S), a23 = FloatVector.zero(S);
        FloatVector a30 = FloatVector.zero(S), a31 = FloatVector.zero(S), a32 = FloatVector.zero(S), a33 = FloatVector.zero(S);
        final long row = ld * Float.BYTES, xrow = (long) n * Float.BYTES;
        int c = 0;
        for (; c <= n - L; c += L) {
            long yc = (yOff + c) * Float.BYTES, xc = (xOff + c) * Float.BYTES;
            FloatVector w0 = FloatVector.fromMemorySegment(S, y, yc, NO), w1 = FloatVector.fromMemorySegment(S, y, yc + row, NO);
            FloatVector w2 = FloatVector.fromMemorySegment(S, y, yc + 2 * row, NO), w3 = FloatVector.fromMemorySegment(S, y, yc + 3 * row, NO);
            FloatVector xv = FloatVector.fromMemorySegment(S, x, xc, NO);
            a00 = xv.fma(w0, a00);
            a01 = xv.fma(w1, a01);
            a02 = xv.fma(w2, a02);
            a03 = xv.fma(w3, a03);
            xv = FloatVector.fromMemorySegment(S, x, xc + xrow, NO);
            a10 = xv.fma(w0, a10);
            a11 = xv.fma(w1, a11);
            a12 = xv.fma(w2, a12);
            a13 = xv.fma(w3, a13);
            xv = FloatVector.fromMemorySegment(S, x, xc + 2 * xrow, NO);
            a20 = xv.fma(w0, a20);
            a21 = xv.fma(w1, a21);
            a22 = xv.fma(w2, a22);
            a23 = xv.fma(w3, a23);
            xv = FloatVector.fromMemorySegment(S, x, xc + 3 * xrow, NO);
            a30 = xv.fma(w0, a30);
            a31 = xv.fma(w1, a31);
            a32 = xv.fma(w2, a32);
            a33 = xv.fma(w3, a33);
        }
        FloatVector z = FloatVector.zero(S);
        z.add(a00).intoArray(scratch, 0);
        z.add(a01).intoArray(scratch, L);
        z.add(a02).intoArray(scratch, 2 * L);
        z.add(a03).intoArray(scratch, 3 * L);
        z.add(a10).intoArray(scratch, 4 * L);
        z.add(a11).intoArray(scratch, 5 * L);
        z.add(a12).intoArray(scratch, 6 * L);
        z.add(a13).intoArray(scratch, 7 * L);
        z.add(a20).intoArray(scratch, 8 * L);
        z.add(a21).intoArray(scratch, 9 * L);
        z.add(a22).intoArray(scratch, 10 * L);
        z.add(a23).intoArray(scratch, 11 * L);
        z.add(a30).intoArray(scratch, 12 * L);
        z.add(a31).intoArray(scratch, 13 * L);
        z.add(a32).intoArray(scratch, 14 * L);
        z.add(a33).intoArray(scratch, 15 * L);
        laneSums8(scratch, 0);
        laneSums8(scratch, 8 * L);
        for (int i = 0; i < 4; i++)
            for (int r = 0; r < 4; r++)
                storeRow(out, oOff + i * ors + r * os, scratch[(i / 2) * 8 * L + (i % 2) * 4 + r], x, xOff + (long) i * n, y, yOff + r * ld,
                        n, c, bias, bOff + r * os);
    }

    /** out[o] = bias (or 0) + s + the scalar tail x[c..n) . y[c..n). */
    private static void storeRow(MemorySegment out, long o, float s, MemorySegment x, long xOff, MemorySegment y, long yOff,
                                 int n, int c, MemorySegment bias, long bo) {
        for (; c < n; c++) s += get(x, xOff + c) * get(y, yOff + c);
        set(out, o, s + (bias == null ? 0f : get(bias, bo)));
    }

    /**
     * x[xOff, xOff + n) . y[yOff, yOff + n), eight vectors per step (more loads in flight per row
     * than four; on an AVX2 host that raised the one-row-at-a-time decode product from about 0.7 to
     * 0.9 of the read bandwidth). The decode product now goes eight rows at a time ({@code dot8})
     * and uses this for the rows left over; the decode attention uses it per head.
     */
    static float dot(MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
        FloatVector a4 = FloatVector.zero(S), a5 = FloatVector.zero(S), a6 = FloatVector.zero(S), a7 = FloatVector.zero(S);
        int c = 0;
        for (; c <= n - 8 * L; c += 8 * L) {
            long xc = (xOff + c) * Float.BYTES, yc = (yOff + c) * Float.BYTES, v = (long) L * Float.BYTES;
            a0 = FloatVector.fromMemorySegment(S, x, xc, NO).fma(FloatVector.fromMemorySegment(S, y, yc, NO), a0);
            a1 = FloatVector.fromMemorySegment(S, x, xc + v, NO).fma(FloatVector.fromMemorySegment(S, y, yc + v, NO), a1);
            a2 = FloatVector.fromMemorySegment(S, x, xc + 2 * v, NO).fma(FloatVector.fromMemorySegment(S, y, yc + 2 * v, NO), a2);
            a3 = FloatVector.fromMemorySegment(S, x, xc + 3 * v, NO).fma(FloatVector.fromMemorySegment(S, y, yc + 3 * v, NO), a3);
            a4 = FloatVector.fromMemorySegment(S, x, xc + 4 * v, NO).fma(FloatVector.fromMemorySegment(S, y, yc + 4 * v, NO), a4);
            a5 = FloatVector.fromMemorySegment(S, x, xc + 5 * v, NO).fma(FloatVector.fromMemorySegment(S, y, yc + 5 * v, NO), a5);
            a6 = FloatVector.fromMemorySegment(S, x, xc + 6 * v, NO).fma(FloatVector.fromMemorySegment(S, y, yc + 6 * v, NO), a6);
            a7 = FloatVector.fromMemorySegment(S, x, xc + 7 * v, NO).fma(FloatVector.fromMemorySegment(S, y, yc + 7 * v, NO), a7);
        }
        FloatVector z = FloatVector.zero(S);
        a0 = z.add(a0).add(a4);
        a1 = z.add(a1).add(a5);
        a2 = z.add(a2).add(a6);
        a3 = z.add(a3).add(a7);
        for (; c <= n - L; c += L) a0 = FloatVector.fromMemorySegment(S, x, (xOff + c) * Float.BYTES, NO).fma(FloatVector.fromMemorySegment(S, y, (yOff + c) * Float.BYTES, NO), a0);
        FloatVector t = z.add(a0).add(a1).add(z.add(a2).add(a3));
        float s = 0f;
        for (int lane = 0; lane < L; lane++) s += t.lane(lane); // fixed order
        for (; c < n; c++) s += get(x, xOff + c) * get(y, yOff + c);
        return s;
    }

    /**
     * out[oOff + t] = x[xOff, xOff + n) . rows[rOff + t*ld, rOff + t*ld + n) for t &lt; count (the
     * decode attention's scores of one head): eight rows at a time ({@link #dot8}, one load of x
     * per eight rows and one lane-sum tree), the rest with {@link #dot}.
     */
    static void rowDots(MemorySegment out, long oOff, MemorySegment x, long xOff, MemorySegment rows, long rOff, long ld, int n,
                        int count, float[] scratch) {
        int t = 0;
        for (; t <= count - 8; t += 8) dot8(out, oOff + t, 1, x, xOff, rows, rOff + t * ld, ld, n, null, 0, scratch);
        for (; t < count; t++) set(out, oOff + t, dot(x, xOff, rows, rOff + t * ld, n));
    }

    /**
     * out[oOff + d] = sum_{t < n} p[pOff + t] * rows[rOff + t*ld + d] for d in [0, hd): a weighted
     * sum of n rows (DecodeKernels.attentionValues for one head), t in order. Four vectors of d
     * go together (four independent chains of multiply-adds, one broadcast of p[t] for them).
     */
    static void weightedRows(MemorySegment out, long oOff, MemorySegment p, long pOff, MemorySegment rows, long rOff, int ld, int n, int hd) {
        int d = 0;
        for (; d <= hd - 4 * L; d += 4 * L) weightedRows4(out, oOff + d, p, pOff, rows, rOff + d, ld, n);
        for (; d <= hd - L; d += L) weightedRowsVector(out, oOff + d, p, pOff, rows, rOff + d, ld, n);
        for (; d < hd; d++) {
            float acc = 0f;
            for (int t = 0; t < n; t++) acc += get(p, pOff + t) * get(rows, rOff + (long) t * ld + d);
            set(out, oOff + d, acc);
        }
    }

    private static void weightedRows4(MemorySegment out, long oOff, MemorySegment p, long pOff, MemorySegment rows, long rOff, int ld, int n) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
        final long v = (long) L * Float.BYTES;
        for (int t = 0; t < n; t++) {
            FloatVector pt = FloatVector.broadcast(S, get(p, pOff + t));
            long r = (rOff + (long) t * ld) * Float.BYTES;
            a0 = pt.fma(FloatVector.fromMemorySegment(S, rows, r, NO), a0);
            a1 = pt.fma(FloatVector.fromMemorySegment(S, rows, r + v, NO), a1);
            a2 = pt.fma(FloatVector.fromMemorySegment(S, rows, r + 2 * v, NO), a2);
            a3 = pt.fma(FloatVector.fromMemorySegment(S, rows, r + 3 * v, NO), a3);
        }
        FloatVector z = FloatVector.zero(S);
        z.add(a0).intoMemorySegment(out, oOff * Float.BYTES, NO);
        z.add(a1).intoMemorySegment(out, (oOff + L) * Float.BYTES, NO);
        z.add(a2).intoMemorySegment(out, (oOff + 2 * L) * Float.BYTES, NO);
        z.add(a3).intoMemorySegment(out, (oOff + 3 * L) * Float.BYTES, NO);
    }

    private static void weightedRowsVector(MemorySegment out, long oOff, MemorySegment p, long pOff, MemorySegment rows, long rOff, int ld, int n) {
        FloatVector acc = FloatVector.zero(S);
        for (int t = 0; t < n; t++) acc = FloatVector.broadcast(S, get(p, pOff + t)).fma(FloatVector.fromMemorySegment(S, rows, (rOff + (long) t * ld) * Float.BYTES, NO), acc);
        FloatVector.zero(S).add(acc).intoMemorySegment(out, oOff * Float.BYTES, NO);
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
        for (int r = 0; r < N; r++) s0 = FloatVector.fromMemorySegment(S, dout, (doutOff + (long) r * OC + o) * Float.BYTES, NO).add(s0);
        FloatVector.fromMemorySegment(S, grads, (bOff + o) * Float.BYTES, NO).add(s0).intoMemorySegment(grads, (bOff + o) * Float.BYTES, NO);
    }
}
