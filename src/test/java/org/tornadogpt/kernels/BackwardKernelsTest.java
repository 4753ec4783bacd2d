package org.tornadogpt.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.ToDoubleFunction;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tornadogpt.graphs.Launch;
import org.tornadogpt.graphs.Program;
import org.tornadogpt.runtime.JvmBackend;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Every backward kernel against central finite differences of a double-precision reference of its
 * forward op, on tiny odd shapes (T = 1, C not a multiple of 8, one head, repeated tokens). The
 * scalar checked is L = sum(w * op(x)) for random weights w, so the kernels get dout = w. Kernels run
 * through the JVM runtime with 3 threads (chunks start at first != 0) and, where they take offsets,
 * at offsets into larger buffers. Accumulating kernels start from non-zero gradients to prove +=.
 */
class BackwardKernelsTest {
    static final double H = 1e-6;
    final Random rnd = new Random(1234);

    double[] gaussian(int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextGaussian(); // float-representable values
        return a;
    }

    static FloatArray floats(int off, double[] v, int extra) {
        FloatArray a = new FloatArray(off + v.length + extra);
        for (int i = 0; i < off + v.length + extra; i++) a.set(i, -7f); // poison outside the data
        for (int i = 0; i < v.length; i++) a.set(off + i, (float) v[i]);
        return a;
    }

    static void run(Launch... ls) {
        try (JvmBackend be = new JvmBackend(3, false)) {
            Program p = new Program("t");
            for (Launch l : ls) p.add(l);
            be.run(p);
        }
    }

    /** Central differences of f at x, in double precision. */
    static double[] numericGrad(ToDoubleFunction<double[]> f, double[] x) {
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double keep = x[i];
            x[i] = keep + H;
            double up = f.applyAsDouble(x);
            x[i] = keep - H;
            double down = f.applyAsDouble(x);
            x[i] = keep;
            g[i] = (up - down) / (2 * H);
        }
        return g;
    }

    /** got[off + i] - base[i] against want[i], within atol + rtol * |want|. */
    static void assertGrad(String what, double[] want, FloatArray got, int off, double[] base) {
        double maxErr = 0;
        for (int i = 0; i < want.length; i++) {
            double g = got.get(off + i) - (base == null ? 0 : base[i]);
            double err = Math.abs(g - want[i]);
            assertTrue(err <= 2e-4 + 1e-3 * Math.abs(want[i]), what + "[" + i + "]: kernel " + g + ", finite differences " + want[i]);
            maxErr = Math.max(maxErr, err);
        }
        assertTrue(want.length > 0, what + ": nothing checked");
    }

    static double dot(double[] w, double[] y) {
        double s = 0;
        for (int i = 0; i < w.length; i++) s += w[i] * y[i];
        return s;
    }

    static IntArray dropoutState(double p, int step, long seed) {
        IntArray s = new IntArray(StepSlots.INTS);
        s.set(StepSlots.STEP, step);
        s.set(StepSlots.SEED_LO, (int) seed);
        s.set(StepSlots.SEED_HI, (int) (seed >>> 32));
        s.set(StepSlots.DROP_THRESHOLD, DropoutKernels.threshold(p));
        return s;
    }

    // ---------------------------------------------------------------- layer norm

    static double[] layerNorm(double[] x, double[] w, double[] b, int N, int C) {
        double[] out = new double[N * C];
        for (int r = 0; r < N; r++) {
            double m = 0, v = 0;
            for (int c = 0; c < C; c++) m += x[r * C + c];
            m /= C;
            for (int c = 0; c < C; c++) v += (x[r * C + c] - m) * (x[r * C + c] - m);
            double s = 1 / Math.sqrt(v / C + 1e-5);
            for (int c = 0; c < C; c++) out[r * C + c] = (x[r * C + c] - m) * s * w[c] + b[c];
        }
        return out;
    }

    @ParameterizedTest(name = "N={0} C={1}")
    @CsvSource({"1, 5", "3, 7", "4, 13"})
    void layerNormBackwardMatchesFiniteDifferences(int N, int C) {
        double[] x = gaussian(N * C), w = gaussian(C), b = gaussian(C), dy = gaussian(N * C);
        for (int i = 0; i < x.length; i++) x[i] = (float) (x[i] * 2 + 0.5);
        double[] dx = numericGrad(v -> dot(dy, layerNorm(v, w, b, N, C)), x);
        double[] dw = numericGrad(v -> dot(dy, layerNorm(x, v, b, N, C)), w);
        double[] db = numericGrad(v -> dot(dy, layerNorm(x, w, v, N, C)), b);

        int xo = 3, so = 2, po = 5;
        FloatArray inp = floats(xo, x, 2), out = new FloatArray(xo + N * C), mean = new FloatArray(so + N), rstd = new FloatArray(so + N);
        double[] params = new double[2 * C];
        System.arraycopy(w, 0, params, 0, C);
        System.arraycopy(b, 0, params, C, C);
        FloatArray pa = floats(po, params, 1);
        run(Launch.of("ln", LayerNormKernels::forward, 0, N, out, xo, mean, rstd, so, inp, xo, pa, po, po + C, C));

        double[] dinpBase = gaussian(N * C), gBase = gaussian(2 * C);
        FloatArray dout = floats(1, dy, 0), dinp = floats(4, dinpBase, 3), grads = floats(po, gBase, 2);
        run(Launch.of("lnbi", LayerNormKernels::backwardInput, 0, N, dinp, 4, dout, 1, mean, rstd, so, inp, xo, pa, po, C),
                Launch.of("lnbp", LayerNormKernels::backwardParams, 0, C, grads, po, po + C, dout, 1, mean, rstd, so, inp, xo, N, C));
        assertGrad("dinp", dx, dinp, 4, dinpBase);
        double[] gw = new double[C], gb = new double[C];
        System.arraycopy(gBase, 0, gw, 0, C);
        System.arraycopy(gBase, C, gb, 0, C);
        assertGrad("dweight", dw, grads, po, gw);
        assertGrad("dbias", db, grads, po + C, gb);
    }

    // ---------------------------------------------------------------- matmul

    static double[] linear(double[] x, double[] w, double[] b, int N, int C, int OC) {
        double[] out = new double[N * OC];
        for (int r = 0; r < N; r++)
            for (int o = 0; o < OC; o++) {
                double acc = b == null ? 0 : b[o];
                for (int c = 0; c < C; c++) acc += x[r * C + c] * w[o * C + c];
                out[r * OC + o] = acc;
            }
        return out;
    }

    @ParameterizedTest(name = "N={0} C={1} OC={2}")
    @CsvSource({"1, 1, 1", "3, 5, 7", "2, 9, 4"})
    void matmulBackwardMatchesFiniteDifferences(int N, int C, int OC) {
        double[] x = gaussian(N * C), w = gaussian(OC * C), b = gaussian(OC), dy = gaussian(N * OC);
        double[] dx = numericGrad(v -> dot(dy, linear(v, w, b, N, C, OC)), x);
        double[] dw = numericGrad(v -> dot(dy, linear(x, v, b, N, C, OC)), w);
        double[] db = numericGrad(v -> dot(dy, linear(x, w, v, N, C, OC)), b);

        double[] params = new double[OC * C + OC];
        System.arraycopy(w, 0, params, 0, OC * C);
        System.arraycopy(b, 0, params, OC * C, OC);
        int po = 3;
        FloatArray pa = floats(po, params, 1), inp = floats(2, x, 1), dout = floats(5, dy, 0);
        double[] gBase = gaussian(OC * C + OC);
        FloatArray grads = floats(po, gBase, 2), dinp = floats(1, new double[N * C], 1);
        run(Launch.of("mmbi", MatmulKernels::backwardInput, 0, N * C, dinp, 1, dout, 5, pa, po, C, OC),
                Launch.of("mmbw", MatmulKernels::backwardWeight, 0, OC * C, grads, po, dout, 5, inp, 2, N, C, OC),
                Launch.of("mmbb", MatmulKernels::backwardBias, 0, OC, grads, po + OC * C, dout, 5, N, OC));
        assertGrad("dinp", dx, dinp, 1, null);
        double[] gw = new double[OC * C], gb = new double[OC];
        System.arraycopy(gBase, 0, gw, 0, OC * C);
        System.arraycopy(gBase, OC * C, gb, 0, OC);
        assertGrad("dweight", dw, grads, po, gw);
        assertGrad("dbias", db, grads, po + OC * C, gb);
        assertEquals(-7f, dinp.get(0));
        assertEquals(-7f, dinp.get(1 + N * C));
        // the overwriting weight gradient does not read the buffer: NaN before, dW after
        FloatArray set = floats(po, new double[OC * C], 1);
        for (int i = po; i < po + OC * C; i++) set.set(i, Float.NaN);
        run(Launch.of("mmbws", MatmulKernels::backwardWeightSet, 0, OC * C, set, po, dout, 5, inp, 2, N, C, OC));
        assertGrad("dweight (overwrites)", dw, set, po, null);
        assertEquals(-7f, set.get(po - 1));
        assertEquals(-7f, set.get(po + OC * C));
    }

    // ---------------------------------------------------------------- GELU

    @Test
    void geluBackwardMatchesFiniteDifferences() {
        double[] x = {-6, -3.1, -1, -0.2, 0, 0.3, 1.7, 2.5, 5.5, 0.001, -0.75};
        double[] dy = gaussian(x.length);
        double[] dx = numericGrad(v -> {
            double s = 0;
            for (int i = 0; i < v.length; i++) s += dy[i] * org.tornadogpt.testutil.ReferenceGpt.gelu(v[i]);
            return s;
        }, x);
        FloatArray inp = floats(2, x, 1), d = floats(4, dy, 3);
        run(Launch.of("gelub", GeluKernels::backward, 0, x.length, d, 4, inp, 2));
        assertGrad("dinp", dx, d, 4, null);
    }

    // ---------------------------------------------------------------- softmax + cross-entropy

    static double meanCrossEntropy(double[] logits, int[] tg, int V) {
        double sum = 0;
        for (int r = 0; r < tg.length; r++) {
            double max = Double.NEGATIVE_INFINITY, s = 0;
            for (int v = 0; v < V; v++) max = Math.max(max, logits[r * V + v]);
            for (int v = 0; v < V; v++) s += Math.exp(logits[r * V + v] - max);
            sum += max + Math.log(s) - logits[r * V + tg[r]];
        }
        return sum / tg.length;
    }

    @ParameterizedTest(name = "N={0} V={1}")
    @CsvSource({"1, 2", "3, 7", "5, 11"})
    void crossEntropyBackwardMatchesFiniteDifferences(int N, int V) {
        double[] lg = gaussian(N * V);
        int[] tg = new int[N];
        for (int r = 0; r < N; r++) tg[r] = rnd.nextInt(V);
        tg[0] = V - 1;
        double[] dl = numericGrad(v -> meanCrossEntropy(v, tg, V), lg);
        FloatArray logits = floats(0, lg, 0), probs = new FloatArray(N * V), losses = new FloatArray(N), d = new FloatArray(N * V);
        IntArray targets = IntArray.fromArray(tg);
        run(Launch.of("xent", CrossEntropyKernels::forward, 0, N, probs, losses, logits, targets, V),
                Launch.of("xentb", CrossEntropyKernels::backward, 0, N * V, d, probs, targets, V, N));
        assertGrad("dlogits", dl, d, 0, null);
        // in place over the logits buffer, as the training graph does
        run(Launch.of("xentb", CrossEntropyKernels::backward, 0, N * V, logits, probs, targets, V, N));
        for (int i = 0; i < N * V; i++) assertEquals(d.get(i), logits.get(i));
    }

    // ---------------------------------------------------------------- attention

    /** Causal attention with dropout factors keep[(b,h,t)*T + t2] on the probabilities. */
    static double[] attention(double[] qkv, double[] keep, int B, int T, int C, int NH) {
        int hd = C / NH;
        double[] out = new double[B * T * C];
        for (int b = 0; b < B; b++)
            for (int h = 0; h < NH; h++)
                for (int t = 0; t < T; t++) {
                    double[] s = new double[t + 1];
                    double max = Double.NEGATIVE_INFINITY, sum = 0;
                    for (int u = 0; u <= t; u++) {
                        double d = 0;
                        for (int i = 0; i < hd; i++) d += qkv[(b * T + t) * 3 * C + h * hd + i] * qkv[(b * T + u) * 3 * C + C + h * hd + i];
                        s[u] = d / Math.sqrt(hd);
                        max = Math.max(max, s[u]);
                    }
                    for (int u = 0; u <= t; u++) { s[u] = Math.exp(s[u] - max); sum += s[u]; }
                    int row = (b * NH + h) * T + t;
                    for (int i = 0; i < hd; i++) {
                        double acc = 0;
                        for (int u = 0; u <= t; u++) acc += s[u] / sum * keep[row * T + u] * qkv[(b * T + u) * 3 * C + 2 * C + h * hd + i];
                        out[(b * T + t) * C + h * hd + i] = acc;
                    }
                }
        return out;
    }

    @ParameterizedTest(name = "B={0} T={1} C={2} NH={3} dropout={4}")
    @CsvSource({"1, 1, 5, 1, 0", "2, 5, 6, 3, 0", "1, 4, 7, 1, 0", "2, 6, 9, 3, 0.3", "1, 1, 3, 1, 0.5"})
    void attentionBackwardMatchesFiniteDifferences(int B, int T, int C, int NH, double p) {
        double[] qkv = gaussian(B * T * 3 * C), dy = gaussian(B * T * C);
        IntArray state = dropoutState(p, 3, 0x1234_5678_9abcL);
        int site = DropoutKernels.attentionSite(1);
        double[] keep = new double[B * NH * T * T];
        for (int i = 0; i < keep.length; i++) keep[i] = DropoutKernels.keepScale(state, site, i);
        double[] dq = numericGrad(v -> dot(dy, attention(v, keep, B, T, C, NH)), qkv);

        int qo = 2, ao = 3;
        FloatArray q = floats(qo, qkv, 1), out = new FloatArray(1 + B * T * C), att = new FloatArray(ao + B * NH * T * T);
        run(Launch.of("att", AttentionKernels::forward, 0, B * NH * T, out, 1, att, ao, q, qo, state, site, T, C, NH));
        double[] ref = attention(qkv, keep, B, T, C, NH);
        for (int i = 0; i < ref.length; i++) assertEquals(ref[i], out.get(1 + i), 1e-5, "forward output " + i);

        FloatArray dout = floats(0, dy, 0), dqkv = floats(0, gaussian(B * T * 3 * C), 0), dpre = floats(0, gaussian(B * NH * T * T), 0);
        run(Launch.of("attbq", AttentionKernels::backwardQuery, 0, B * NH * T, dqkv, dpre, att, ao, dout, q, qo, state, site, T, C, NH),
                Launch.of("attbk", AttentionKernels::backwardKey, 0, B * NH * T, dqkv, dpre, att, ao, dout, q, qo, state, site, T, C, NH));
        assertGrad("dqkv", dq, dqkv, 0, null);
    }

    @Test
    void attentionForwardAtRateZeroIsThePlainWeightedSumBitForBit() {
        int B = 2, T = 7, C = 12, NH = 3, hd = C / NH;
        double[] qkv = gaussian(B * T * 3 * C);
        FloatArray q = floats(0, qkv, 0);
        FloatArray o1 = new FloatArray(B * T * C), a1 = new FloatArray(B * NH * T * T), o2 = new FloatArray(B * T * C), a2 = new FloatArray(B * NH * T * T);
        // rate 0 under two different seeds, steps and sites (inference passes an all-zero state)
        run(Launch.of("a", AttentionKernels::forward, 0, B * NH * T, o1, 0, a1, 0, q, 0, new IntArray(StepSlots.INTS), 0, T, C, NH),
                Launch.of("b", AttentionKernels::forward, 0, B * NH * T, o2, 0, a2, 0, q, 0, dropoutState(0, 5, 99), 4, T, C, NH));
        for (int i = 0; i < o1.getSize(); i++) assertEquals(o1.get(i), o2.get(i), "output " + i);
        for (int i = 0; i < a1.getSize(); i++) assertEquals(a1.get(i), a2.get(i), "probabilities " + i);
        // and the output is sum_t2 P[t2] v[t2] in float, t2 ascending: no dropout scale touched it
        for (int b = 0; b < B; b++)
            for (int h = 0; h < NH; h++)
                for (int t = 0; t < T; t++)
                    for (int d = 0; d < hd; d++) {
                        float acc = 0f;
                        for (int t2 = 0; t2 <= t; t2++)
                            acc += a1.get(((b * NH + h) * T + t) * T + t2) * q.get((b * T + t2) * 3 * C + 2 * C + h * hd + d);
                        assertEquals(acc, o1.get((b * T + t) * C + h * hd + d), "output (" + b + ", " + t + ", " + h + ", " + d + ")");
                    }
    }

    // ---------------------------------------------------------------- embedding

    @Test
    void encoderBackwardWithRepeatedTokensMatchesFiniteDifferences() {
        int B = 2, T = 3, C = 5, V = 4, Tmax = 5;
        int[] tokens = {2, 2, 0, 3, 2, 0}; // token 2 three times, token 1 never
        double[] wte = gaussian(V * C), wpe = gaussian(Tmax * C), dy = gaussian(B * T * C);
        ToDoubleFunction<double[]> fTok = v -> {
            double s = 0;
            for (int bt = 0; bt < B * T; bt++) for (int c = 0; c < C; c++) s += dy[bt * C + c] * (v[tokens[bt] * C + c] + wpe[(bt % T) * C + c]);
            return s;
        };
        ToDoubleFunction<double[]> fPos = v -> {
            double s = 0;
            for (int bt = 0; bt < B * T; bt++) for (int c = 0; c < C; c++) s += dy[bt * C + c] * (wte[tokens[bt] * C + c] + v[(bt % T) * C + c]);
            return s;
        };
        double[] dwte = numericGrad(fTok, wte), dwpe = numericGrad(fPos, wpe);
        int wteOff = 3, wpeOff = 3 + V * C;
        double[] base = gaussian(V * C + Tmax * C);
        FloatArray grads = floats(3, base, 2), dout = floats(0, dy, 0);
        run(Launch.of("wte", EncoderKernels::backwardWte, 0, C, grads, wteOff, dout, IntArray.fromArray(tokens), B * T, C),
                Launch.of("wpe", EncoderKernels::backwardWpe, 0, T * C, grads, wpeOff, dout, B, T, C));
        double[] bt = new double[V * C], bp = new double[Tmax * C];
        System.arraycopy(base, 0, bt, 0, V * C);
        System.arraycopy(base, V * C, bp, 0, Tmax * C);
        assertGrad("dwte", dwte, grads, wteOff, bt);
        assertGrad("dwpe", dwpe, grads, wpeOff, bp);
        for (int c = 0; c < C; c++) assertEquals((float) bt[C + c], grads.get(wteOff + C + c), "unused token row untouched");
        for (int i = T * C; i < Tmax * C; i++) assertEquals((float) bp[i], grads.get(wpeOff + i), "unused position row untouched");
    }

    // ---------------------------------------------------------------- residual and dropout

    @ParameterizedTest(name = "dropout={0}")
    @CsvSource({"0", "0.25"})
    void residualAndDropoutBackwardMatchFiniteDifferences(double p) {
        int n = 37;
        IntArray state = dropoutState(p, 2, 77);
        int site = DropoutKernels.mlpSite(0);
        double[] a = gaussian(n), b = gaussian(n), dy = gaussian(n), keep = new double[n];
        for (int i = 0; i < n; i++) keep[i] = DropoutKernels.keepScale(state, site, i);
        double[] db = numericGrad(v -> {
            double s = 0;
            for (int i = 0; i < n; i++) s += dy[i] * (a[i] + keep[i] * v[i]);
            return s;
        }, b);
        FloatArray fa = floats(1, a, 0), fb = floats(2, b, 0), out = new FloatArray(3 + n);
        run(Launch.of("res", ResidualKernels::forwardDropout, 0, n, out, 3, fa, 1, fb, 2, state, site));
        for (int i = 0; i < n; i++) assertEquals((float) a[i] + (float) b[i] * (float) keep[i], out.get(3 + i));
        FloatArray dout = floats(0, dy, 0), dbranch = floats(0, gaussian(n), 0);
        run(Launch.of("resb", ResidualKernels::backward, 0, n, dbranch, dout, state, site));
        assertGrad("dbranch", db, dbranch, 0, null);

        // in-place dropout and its backward: the same mask
        double[] x = gaussian(n);
        double[] dx = numericGrad(v -> {
            double s = 0;
            for (int i = 0; i < n; i++) s += dy[i] * keep[i] * v[i];
            return s;
        }, x);
        FloatArray fx = floats(4, x, 0), d = floats(2, dy, 0);
        run(Launch.of("drop", DropoutKernels::forward, 0, n, fx, 4, state, site),
                Launch.of("dropb", DropoutKernels::backward, 0, n, d, 2, state, site));
        for (int i = 0; i < n; i++) assertEquals((float) (x[i] * keep[i]), fx.get(4 + i), 1e-6);
        assertGrad("dx", dx, d, 2, null);
    }
}
