package org.tornadogpt.runtime.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import java.util.function.Function;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.tornadogpt.graphs.Kernels;
import org.tornadogpt.graphs.Launch;
import org.tornadogpt.graphs.Program;
import org.tornadogpt.kernels.DropoutKernels;
import org.tornadogpt.kernels.StepSlots;
import org.tornadogpt.runtime.JvmBackend;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Every JVM fast path against its portable kernel, on odd shapes (one row, C not a multiple of the
 * vector length, a ragged vocabulary of 301, T = 1 and T = 37, one head), at offsets into larger
 * buffers and with poisoned values around and inside the outputs: the same launch runs on two
 * copies of random buffers, once with the portable kernel (3 threads, chunks starting at
 * first != 0) and once with the fast path (2 threads and 1 thread), and every buffer must agree to
 * rounding afterwards (so accumulating kernels accumulate, overwriting ones overwrite, and nothing
 * outside the output moves). The fast path must be attached ({@link FastPaths#of} not null) and
 * give the same bits on any number of threads.
 */
class FastPathsTest {
    static JvmBackend portable, fast2, fast1;
    static FastPaths probe;
    final Random rnd = new Random(7);

    @BeforeAll
    static void backends() {
        portable = new JvmBackend(3, false);
        fast2 = new JvmBackend(2, true);
        fast1 = new JvmBackend(1, true);
        probe = new FastPaths(new JvmParallel(1));
    }

    @AfterAll
    static void close() {
        portable.close();
        fast2.close();
        fast1.close();
        probe.pool().close();
    }

    FloatArray random(int n) {
        FloatArray a = new FloatArray(n);
        for (int i = 0; i < n; i++) a.set(i, (float) rnd.nextGaussian());
        return a;
    }

    static IntArray ints(int... v) {
        IntArray a = new IntArray(v.length);
        for (int i = 0; i < v.length; i++) a.set(i, v[i]);
        return a;
    }

    static IntArray state(double p, int step, long seed) {
        IntArray s = new IntArray(StepSlots.INTS);
        s.set(StepSlots.STEP, step);
        s.set(StepSlots.SEED_LO, (int) seed);
        s.set(StepSlots.SEED_HI, (int) (seed >>> 32));
        s.set(StepSlots.DROP_THRESHOLD, DropoutKernels.threshold(p));
        return s;
    }

    static Object copy(Object o) {
        if (o instanceof FloatArray f) return FloatArray.fromArray(f.toHeapArray());
        if (o instanceof IntArray a) {
            IntArray c = new IntArray(a.getSize());
            for (int i = 0; i < a.getSize(); i++) c.set(i, a.get(i));
            return c;
        }
        return o;
    }

    /**
     * Runs make(buffers) with the portable kernel and with the fast path on copies of the buffers
     * and compares every float buffer: |fast - portable| <= tol * (1 + |portable|).
     */
    static void check(String what, double tol, Object[] buffers, Function<Object[], Launch> make) {
        Object[] ref = new Object[buffers.length], f2 = new Object[buffers.length], f1 = new Object[buffers.length];
        for (int i = 0; i < buffers.length; i++) {
            ref[i] = copy(buffers[i]);
            f2[i] = copy(buffers[i]);
            f1[i] = copy(buffers[i]);
        }
        Launch l = make.apply(ref);
        assertNotNull(probe.of(l), what + ": no fast path attached");
        portable.run(new Program("portable").add(l));
        fast2.run(new Program("fast2").add(make.apply(f2)));
        fast1.run(new Program("fast1").add(make.apply(f1)));
        for (int i = 0; i < buffers.length; i++) {
            if (!(ref[i] instanceof FloatArray r)) continue;
            FloatArray a = (FloatArray) f2[i], b = (FloatArray) f1[i];
            for (int k = 0; k < r.getSize(); k++) {
                float e = r.get(k), x = a.get(k);
                if (!(Math.abs(x - e) <= tol * (1 + Math.abs(e))))
                    fail(what + ": buffer " + i + " element " + k + ": fast " + x + ", portable " + e);
                if (Float.floatToRawIntBits(x) != Float.floatToRawIntBits(b.get(k)))
                    fail(what + ": buffer " + i + " element " + k + " differs between 2 threads (" + x + ") and 1 thread (" + b.get(k) + ")");
            }
        }
    }

    // ------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "N={0} C={1} OC={2}")
    @CsvSource({"1,5,3", "1,72,301", "2,100,19", "3,5,1", "4,33,64", "5,13,7", "8,72,301", "16,100,37", "31,33,66", "32,768,40",
            "37,100,301", "64,768,40"})
    void matmulForward(int N, int C, int OC) {
        FloatArray out = random(3 + N * OC + 2), inp = random(2 + N * C + 1), params = random(4 + OC * C + OC + 3);
        double tol = 2e-6 * Math.sqrt(C);
        check("forward with bias", tol, new Object[] {out, inp, params}, b -> Launch.of("mm", Kernels.MATMUL_FORWARD, 0, N * OC,
                (FloatArray) b[0], 3, (FloatArray) b[1], 2, (FloatArray) b[2], 4, 4 + OC * C, C, OC));
        check("forward without bias", tol, new Object[] {out, inp, params}, b -> Launch.of("mm", Kernels.MATMUL_FORWARD, 0, N * OC,
                (FloatArray) b[0], 3, (FloatArray) b[1], 2, (FloatArray) b[2], 4, -1, C, OC));
    }

    @ParameterizedTest(name = "N={0} C={1} OC={2}")
    @CsvSource({"1,5,3", "1,72,301", "3,5,1", "5,13,7", "37,100,301", "64,768,40"})
    void matmulBackward(int N, int C, int OC) {
        FloatArray dinp = random(1 + N * C + 2), dout = random(5 + N * OC + 1), params = random(4 + OC * C + OC + 3);
        FloatArray grads = random(4 + OC * C + OC + 3), inp = random(2 + N * C + 3);
        check("dinp (overwrites)", 2e-6 * Math.sqrt(OC), new Object[] {dinp, dout, params}, b -> Launch.of("mmbi", Kernels.MATMUL_BACKWARD_INPUT, 0, N * C,
                (FloatArray) b[0], 1, (FloatArray) b[1], 5, (FloatArray) b[2], 4, C, OC));
        check("dweight (accumulates)", 2e-6 * Math.sqrt(N), new Object[] {grads, dout, inp}, b -> Launch.of("mmbw", Kernels.MATMUL_BACKWARD_WEIGHT, 0, OC * C,
                (FloatArray) b[0], 4, (FloatArray) b[1], 5, (FloatArray) b[2], 2, N, C, OC));
        check("dweight (overwrites)", 2e-6 * Math.sqrt(N), new Object[] {grads, dout, inp}, b -> Launch.of("mmbws", Kernels.MATMUL_BACKWARD_WEIGHT_SET, 0, OC * C,
                (FloatArray) b[0], 4, (FloatArray) b[1], 5, (FloatArray) b[2], 2, N, C, OC));
        check("dbias (accumulates)", 2e-6 * Math.sqrt(N), new Object[] {grads, dout}, b -> Launch.of("mmbb", Kernels.MATMUL_BACKWARD_BIAS, 0, OC,
                (FloatArray) b[0], 4 + OC * C, (FloatArray) b[1], 5, N, OC));
    }

    @ParameterizedTest(name = "B={0} T={1} C={2} NH={3} p={4}")
    @CsvSource({"1,1,5,1,0", "1,1,5,1,0.3", "2,6,12,3,0", "2,6,12,3,0.5", "1,37,72,6,0", "2,37,72,6,0.2", "1,37,16,1,0.1",
            "2,20,128,2,0", "1,64,128,2,0.1", "1,17,48,1,0"})
    void attention(int B, int T, int C, int NH, double p) {
        int attOff = 3, qkvOff = 5;
        FloatArray out = random(B * T * C + 2), att = random(attOff + B * NH * T * T + 1), qkv = random(qkvOff + B * T * 3 * C + 1);
        IntArray st = state(p, 3, 42);
        double tol = 2e-5;
        check("forward", tol, new Object[] {out, att, qkv, st}, b -> Launch.of("att", Kernels.ATTENTION_FORWARD, 0, B * NH * T,
                (FloatArray) b[0], 1, (FloatArray) b[1], attOff, (FloatArray) b[2], qkvOff, (IntArray) b[3], DropoutKernels.attentionSite(1), T, C, NH));
        // backward from saved probabilities of a real forward (rows sum to 1, zeros after the diagonal)
        FloatArray saved = (FloatArray) copy(att);
        portable.run(new Program("f").add(Launch.of("att", Kernels.ATTENTION_FORWARD, 0, B * NH * T, (FloatArray) copy(out), 1, saved, attOff,
                qkv, qkvOff, st, DropoutKernels.attentionSite(1), T, C, NH)));
        FloatArray dqkv = random(B * T * 3 * C), dpre = random(B * NH * T * T), dout = random(B * T * C);
        check("backwardQuery", tol, new Object[] {dqkv, dpre, saved, dout, qkv, st}, b -> Launch.of("attq", Kernels.ATTENTION_BACKWARD_QUERY, 0, B * NH * T,
                (FloatArray) b[0], (FloatArray) b[1], (FloatArray) b[2], attOff, (FloatArray) b[3], (FloatArray) b[4], qkvOff, (IntArray) b[5],
                DropoutKernels.attentionSite(1), T, C, NH));
        FloatArray dS = (FloatArray) copy(dpre);
        portable.run(new Program("q").add(Launch.of("attq", Kernels.ATTENTION_BACKWARD_QUERY, 0, B * NH * T, (FloatArray) copy(dqkv), dS, saved, attOff,
                dout, qkv, qkvOff, st, DropoutKernels.attentionSite(1), T, C, NH)));
        check("backwardKey", tol, new Object[] {dqkv, dS, saved, dout, qkv, st}, b -> Launch.of("attk", Kernels.ATTENTION_BACKWARD_KEY, 0, B * NH * T,
                (FloatArray) b[0], (FloatArray) b[1], (FloatArray) b[2], attOff, (FloatArray) b[3], (FloatArray) b[4], qkvOff, (IntArray) b[5],
                DropoutKernels.attentionSite(1), T, C, NH));
    }

    @ParameterizedTest(name = "N={0} V={1}")
    @CsvSource({"1,301", "3,301", "2,7", "5,1000", "2,50257"})
    void crossEntropy(int N, int V) {
        FloatArray probs = random(N * V), losses = random(N + 1), logits = random(N * V);
        for (int i = 0; i < N * V; i++) logits.set(i, logits.get(i) * 3);
        int[] t = new int[N];
        for (int r = 0; r < N; r++) t[r] = r == 0 ? V - 1 : rnd.nextInt(V);
        IntArray targets = ints(t);
        check("forward", 2e-5, new Object[] {probs, losses, logits, targets}, b -> Launch.of("xent", Kernels.CROSS_ENTROPY_FORWARD, 0, N,
                (FloatArray) b[0], (FloatArray) b[1], (FloatArray) b[2], (IntArray) b[3], V));
        check("backward", 1e-6, new Object[] {logits, probs, targets}, b -> Launch.of("xentb", Kernels.CROSS_ENTROPY_BACKWARD, 0, N * V,
                (FloatArray) b[0], (FloatArray) b[1], (IntArray) b[2], V, N));
    }

    @ParameterizedTest(name = "N={0} C={1}")
    @CsvSource({"1,5", "7,13", "3,72", "9,768", "2,1"})
    void layerNorm(int N, int C) {
        int off = 3, so = 2;
        FloatArray out = random(off + N * C + 1), mean = random(so + N + 1), rstd = random(so + N + 1), inp = random(off + N * C + 2);
        FloatArray params = random(5 + 2 * C);
        check("forward", 1e-5, new Object[] {out, mean, rstd, inp, params}, b -> Launch.of("ln", Kernels.LAYER_NORM_FORWARD, 0, N,
                (FloatArray) b[0], off, (FloatArray) b[1], (FloatArray) b[2], so, (FloatArray) b[3], off, (FloatArray) b[4], 5, 5 + C, C));
        for (int r = 0; r < N; r++) rstd.set(so + r, 0.5f + Math.abs(rstd.get(so + r)));
        FloatArray dinp = random(1 + N * C), dout = random(4 + N * C), grads = random(7 + 2 * C);
        check("backwardInput (accumulates)", 1e-5, new Object[] {dinp, dout, mean, rstd, inp, params}, b -> Launch.of("lnbi", Kernels.LAYER_NORM_BACKWARD_INPUT, 0, N,
                (FloatArray) b[0], 1, (FloatArray) b[1], 4, (FloatArray) b[2], (FloatArray) b[3], so, (FloatArray) b[4], off, (FloatArray) b[5], 5, C));
        check("backwardParams (accumulates)", 1e-5, new Object[] {grads, dout, mean, rstd, inp}, b -> Launch.of("lnbp", Kernels.LAYER_NORM_BACKWARD_PARAMS, 0, C,
                (FloatArray) b[0], 7, 7 + C, (FloatArray) b[1], 4, (FloatArray) b[2], (FloatArray) b[3], so, (FloatArray) b[4], off, N, C));
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {1, 15, 37, 1000, 70001})
    void elementwise(int n) {
        FloatArray out = random(n + 5), x = random(n + 4), y = random(n + 6);
        for (int i = 0; i < n + 4; i++) x.set(i, x.get(i) * 3);
        check("gelu forward", 1e-6, new Object[] {out, x}, b -> Launch.of("g", Kernels.GELU_FORWARD, 0, n, (FloatArray) b[0], 2, (FloatArray) b[1], 3));
        // the derivative subtracts nearly equal terms for large |x|: both sides carry ~1e-7 of tanh's rounding
        check("gelu backward", 5e-6, new Object[] {y, x}, b -> Launch.of("gb", Kernels.GELU_BACKWARD, 0, n, (FloatArray) b[0], 1, (FloatArray) b[1], 4));
        check("residual", 0, new Object[] {out, x, y}, b -> Launch.of("r", Kernels.RESIDUAL_FORWARD, 0, n,
                (FloatArray) b[0], 5, (FloatArray) b[1], 1, (FloatArray) b[2], 6));
        check("residual in place", 0, new Object[] {x, y}, b -> Launch.of("ra", Kernels.RESIDUAL_ACCUMULATE, 0, n,
                (FloatArray) b[0], 3, (FloatArray) b[1], 2));
        for (double p : new double[] {0, 0.1, 0.6}) {
            IntArray st = state(p, 9, 123456789012L);
            check("residual dropout p=" + p, 0, new Object[] {out, x, y, st}, b -> Launch.of("rd", Kernels.RESIDUAL_FORWARD_DROPOUT, 0, n,
                    (FloatArray) b[0], 5, (FloatArray) b[1], 1, (FloatArray) b[2], 6, (IntArray) b[3], 4));
            check("residual backward p=" + p, 0, new Object[] {out, x, st}, b -> Launch.of("rb", Kernels.RESIDUAL_BACKWARD, 0, n,
                    (FloatArray) b[0], (FloatArray) b[1], (IntArray) b[2], 7));
            check("dropout forward p=" + p, 0, new Object[] {x, st}, b -> Launch.of("d", Kernels.DROPOUT_FORWARD, 0, n, (FloatArray) b[0], 3, (IntArray) b[1], 0));
            check("dropout backward p=" + p, 0, new Object[] {y, st}, b -> Launch.of("db", Kernels.DROPOUT_BACKWARD, 0, n, (FloatArray) b[0], 2, (IntArray) b[1], 0));
        }
        check("zero", 0, new Object[] {out}, b -> Launch.of("z", Kernels.GRADIENT_ZERO, 0, n, (FloatArray) b[0], 3));
        if (n >= 40) {
            // runs of 1, 7 and 2 elements and a long one, with gaps between them and before the end
            IntArray runs = ints(0, 1, 3, 7, 11, 2, 20, n - 25);
            check("zero runs", 0, new Object[] {out, runs}, b -> Launch.of("zr", Kernels.GRADIENT_ZERO_RUNS, 0, 1 + 7 + 2 + (n - 25),
                    (FloatArray) b[0], (IntArray) b[1], 4));
        }
    }

    @ParameterizedTest(name = "B={0} T={1} C={2}")
    @CsvSource({"1,1,5", "2,7,13", "3,5,72", "2,64,768"})
    void embedding(int B, int T, int C) {
        int V = 11, Tmax = T + 3, wte = 2, wpe = 2 + V * C;
        FloatArray out = random(B * T * C), params = random(wpe + Tmax * C + 1), grads = random(wpe + Tmax * C + 1), dout = random(B * T * C);
        int[] t = new int[B * T];
        for (int i = 0; i < t.length; i++) t[i] = i % 3 == 0 ? 4 : rnd.nextInt(V); // repeated tokens
        IntArray tokens = ints(t);
        check("forward", 0, new Object[] {out, tokens, params}, b -> Launch.of("e", Kernels.ENCODER_FORWARD, 0, B * T * C,
                (FloatArray) b[0], (IntArray) b[1], (FloatArray) b[2], wte, wpe, T, C));
        check("backward wte (accumulates)", 0, new Object[] {grads, dout, tokens}, b -> Launch.of("ew", Kernels.ENCODER_BACKWARD_WTE, 0, C,
                (FloatArray) b[0], wte, (FloatArray) b[1], (IntArray) b[2], B * T, C));
        check("backward wpe (accumulates)", 1e-6, new Object[] {grads, dout}, b -> Launch.of("ep", Kernels.ENCODER_BACKWARD_WPE, 0, T * C,
                (FloatArray) b[0], wpe, (FloatArray) b[1], B, T, C));
    }

    @ParameterizedTest(name = "P={0}")
    @ValueSource(ints = {1, 17, 1000, 300007})
    void optimizer(int P) {
        int blocks = Math.min(1024, P);
        FloatArray partials = random(blocks), g = random(P);
        check("norm partials", 1e-5, new Object[] {partials, g}, b -> Launch.of("np", Kernels.GRADIENT_NORM_PARTIALS, 0, blocks,
                (FloatArray) b[0], (FloatArray) b[1], P, blocks));
        FloatArray p = random(P), m = random(P), v = random(P), hyper = new FloatArray(StepSlots.FLOATS), scale = FloatArray.fromElements(3f, 0.7f);
        for (int i = 0; i < P; i++) v.set(i, Math.abs(v.get(i)));
        hyper.set(StepSlots.BETA1, 0.9f);
        hyper.set(StepSlots.BETA2, 0.95f);
        hyper.set(StepSlots.EPS, 1e-8f);
        hyper.set(StepSlots.DECAY, 0.999f);
        hyper.set(StepSlots.STEP_SIZE, 0.01f);
        hyper.set(StepSlots.BC2_SQRT, 0.3f);
        check("adamw", 0, new Object[] {p, m, v, g, hyper, scale}, b -> Launch.of("adamw", Kernels.ADAMW_UPDATE, 0, P,
                (FloatArray) b[0], (FloatArray) b[1], (FloatArray) b[2], (FloatArray) b[3], (FloatArray) b[4], (FloatArray) b[5]));
    }

    @ParameterizedTest(name = "C={0} NH={1} Tmax={2} pos={3}")
    @CsvSource({"72,6,37,0", "72,6,37,5", "72,6,37,36", "16,1,9,8", "128,2,40,17", "5,1,3,2", "768,12,80,47"})
    void decode(int C, int NH, int Tmax, int pos) {
        int L = 2, layer = 1, co = layer * Tmax * C, V = 13;
        FloatArray att = random(NH * Tmax), qkv = random(3 + 3 * C), keys = random(L * Tmax * C), values = random(L * Tmax * C), out = random(C + 1);
        IntArray step = ints(7, pos);
        check("store kv", 0, new Object[] {keys, values, qkv, step}, b -> Launch.of("kv", Kernels.DECODE_STORE_KV, 0, C,
                (FloatArray) b[0], (FloatArray) b[1], co, (FloatArray) b[2], 3, (IntArray) b[3], C));
        check("scores", 1e-5, new Object[] {att, qkv, keys, step}, b -> Launch.of("s", Kernels.DECODE_ATTENTION_SCORES, 0, NH * Tmax,
                (FloatArray) b[0], (FloatArray) b[1], 3, (FloatArray) b[2], co, (IntArray) b[3], C, NH, Tmax));
        check("softmax", 1e-6, new Object[] {att, step}, b -> Launch.of("sm", Kernels.DECODE_ATTENTION_SOFTMAX, 0, NH,
                (FloatArray) b[0], (IntArray) b[1], Tmax));
        check("values", 1e-5, new Object[] {out, att, values, step}, b -> Launch.of("v", Kernels.DECODE_ATTENTION_VALUES, 0, C,
                (FloatArray) b[0], (FloatArray) b[1], (FloatArray) b[2], co, (IntArray) b[3], C, NH, Tmax));
        FloatArray params = random(V * C + Tmax * C + 2);
        check("embed", 0, new Object[] {out, step, params}, b -> Launch.of("e", Kernels.DECODE_EMBED, 0, C,
                (FloatArray) b[0], (IntArray) b[1], (FloatArray) b[2], 2, 2 + V * C, C));
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2, 3})
    void fastPathsOffRunsThePortableKernelsOnly(int threads) {
        int N = 5, C = 13, OC = 7;
        FloatArray inp = random(N * C), params = random(OC * C + OC), out = new FloatArray(N * OC), ref = new FloatArray(N * OC);
        Launch.invoke(Kernels.MATMUL_FORWARD, new Object[] {0, N * OC, ref, 0, inp, 0, params, 0, OC * C, C, OC});
        Launch l = Launch.of("mm", Kernels.MATMUL_FORWARD, 0, N * OC, out, 0, inp, 0, params, 0, OC * C, C, OC)
                .withFastPath(() -> fail("a fast path ran with fast paths off"));
        try (JvmBackend be = new JvmBackend(threads, false)) {
            assertTrue(!be.fastPaths());
            be.run(new Program("p").add(l));
        }
        for (int i = 0; i < N * OC; i++) assertEquals(ref.get(i), out.get(i));
    }
}
