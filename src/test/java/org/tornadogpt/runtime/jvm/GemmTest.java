package org.tornadogpt.runtime.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Compares every GEMM entry point with a plain triple loop (double accumulation). */
class GemmTest {

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final int[] NS = {1, 3, 37};
    private static final int[] CS = {1, 5, 72, 100};
    private static final int[] OCS = {1, 3, 301};

    private static JvmParallel pool1;
    private static JvmParallel pool2;
    private static JvmParallel pool3;

    @BeforeAll
    static void pools() {
        pool1 = new JvmParallel(1);
        pool2 = new JvmParallel(2);
        pool3 = new JvmParallel(3);
    }

    @AfterAll
    static void close() {
        pool1.close();
        pool2.close();
        pool3.close();
    }

    /**
     * The A-panel packing helpers, unrolled for 4 and 6 rows with a loop for any other count,
     * against their definitions; values outside the written region must stay untouched.
     */
    @Test
    void panelHelpersMatchTheirDefinition() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int rowsPerPanel : new int[] {3, 4, 6}) {
            int kc = 11;
            float s = 0.5f;
            float[] rows = new float[rowsPerPanel * kc];
            for (int i = 0; i < rows.length; i++) rows[i] = (float) rnd.nextDouble(-1, 1);
            int d = 5;
            float[] ap = new float[d + kc * rowsPerPanel + 3];
            java.util.Arrays.fill(ap, Float.NaN);
            GemmEngine.interleave(rows, kc, ap, d, rowsPerPanel, s);
            for (int i = 0; i < ap.length; i++) {
                int rel = i - d;
                if (rel < 0 || rel >= kc * rowsPerPanel) {
                    assertTrue(Float.isNaN(ap[i]), "interleave R=" + rowsPerPanel + " wrote outside at " + i);
                } else {
                    assertEquals(rows[(rel % rowsPerPanel) * kc + rel / rowsPerPanel] * s, ap[i], "interleave R=" + rowsPerPanel + " at " + i);
                }
            }

            int panels = 3;
            int stride = kc * rowsPerPanel;
            float[] row = new float[panels * rowsPerPanel];
            for (int i = 0; i < row.length; i++) row[i] = (float) rnd.nextDouble(-1, 1);
            float[] sp = new float[d + panels * stride];
            java.util.Arrays.fill(sp, Float.NaN);
            GemmEngine.spread(row, row.length, sp, d, stride, rowsPerPanel, s);
            for (int i = 0; i < sp.length; i++) {
                int rel = i - d;
                if (rel >= 0 && rel % stride < rowsPerPanel) {
                    assertEquals(row[(rel / stride) * rowsPerPanel + rel % stride] * s, sp[i], "spread R=" + rowsPerPanel + " at " + i);
                } else {
                    assertTrue(Float.isNaN(sp[i]), "spread R=" + rowsPerPanel + " wrote outside at " + i);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // Fixture: segments with a guard region around the operand, filled with random values
    // ---------------------------------------------------------------------------------------

    /** A float buffer inside a larger segment: [guard | data | guard]. */
    record Buf(MemorySegment seg, long off, long len) {
        float get(long i) {
            return seg.getAtIndex(F, off + i);
        }

        void set(long i, float v) {
            seg.setAtIndex(F, off + i, v);
        }

        float[] all() {
            float[] a = new float[(int) seg.byteSize() / Float.BYTES];
            MemorySegment.copy(seg, F, 0, a, 0, a.length);
            return a;
        }
    }

    static Buf buf(Arena arena, long len, long off, SplittableRandom rnd) {
        long total = off + len + 11;
        MemorySegment s = arena.allocate(total * Float.BYTES, 64);
        for (long i = 0; i < total; i++) {
            s.setAtIndex(F, i, (float) (rnd.nextDouble() * 2 - 1));
        }
        return new Buf(s, off, len);
    }

    static void copy(Buf from, Buf to) {
        MemorySegment.copy(from.seg, 0, to.seg, 0, from.seg.byteSize());
    }

    /** Checks data against expected within tol, and that the guard regions did not change. */
    static void check(String what, Buf actual, float[] before, double[] expected, double tol) {
        float[] all = actual.all();
        for (int i = 0; i < all.length; i++) {
            long j = i - actual.off;
            if (j >= 0 && j < actual.len) {
                double e = expected[(int) j];
                if (!(Math.abs(all[i] - e) <= tol)) {
                    fail(what + ": element " + j + " = " + all[i] + ", expected " + e + " (tol " + tol + ")");
                }
            } else if (Float.floatToRawIntBits(all[i]) != Float.floatToRawIntBits(before[i])) {
                fail(what + ": guard element " + i + " changed from " + before[i] + " to " + all[i]);
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // References
    // ---------------------------------------------------------------------------------------

    static double[] refForward(Buf inp, Buf w, Buf bias, int n, int c, int oc) {
        double[] out = new double[n * oc];
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < oc; o++) {
                double s = bias == null ? 0 : bias.get(o);
                for (int k = 0; k < c; k++) {
                    s += (double) inp.get((long) i * c + k) * w.get((long) o * c + k);
                }
                out[i * oc + o] = s;
            }
        }
        return out;
    }

    static double[] refBackwardInput(Buf dinp, Buf dout, Buf w, int n, int c, int oc) {
        double[] r = new double[n * c];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < c; k++) {
                double s = dinp.get((long) i * c + k);
                for (int o = 0; o < oc; o++) {
                    s += (double) dout.get((long) i * oc + o) * w.get((long) o * c + k);
                }
                r[i * c + k] = s;
            }
        }
        return r;
    }

    static double[] refBackwardWeight(Buf dw, Buf dout, Buf inp, int n, int c, int oc) {
        double[] r = new double[oc * c];
        for (int o = 0; o < oc; o++) {
            for (int k = 0; k < c; k++) {
                double s = dw.get((long) o * c + k);
                for (int i = 0; i < n; i++) {
                    s += (double) dout.get((long) i * oc + o) * inp.get((long) i * c + k);
                }
                r[o * c + k] = s;
            }
        }
        return r;
    }

    static double[] refBias(Buf dbias, Buf dout, int n, int oc) {
        double[] r = new double[oc];
        for (int o = 0; o < oc; o++) {
            double s = dbias.get(o);
            for (int i = 0; i < n; i++) {
                s += dout.get((long) i * oc + o);
            }
            r[o] = s;
        }
        return r;
    }

    /** Values are in [-1, 1): fp32 summation error grows with the reduction length. */
    static double tol(int reduction) {
        return 1e-5 * Math.max(1, reduction) + 1e-6;
    }

    // ---------------------------------------------------------------------------------------
    // One shape, all three products, one engine
    // ---------------------------------------------------------------------------------------

    /** The forward product's operands: input (n, c), weights (oc, c), bias (oc), output (n, oc), at odd offsets. */
    record Operands(Buf inp, Buf w, Buf bias, Buf out) {}

    static Operands operands(Arena arena, int n, int c, int oc, SplittableRandom rnd) {
        return new Operands(buf(arena, (long) n * c, 3, rnd), buf(arena, (long) oc * c, 17, rnd), buf(arena, oc, 5, rnd),
                buf(arena, (long) n * oc, 1, rnd));
    }

    static void checkShape(GemmEngine e, int n, int c, int oc, boolean withBias, long seed) {
        String tag = e.kernel() + " t=" + e.pool().threads() + " n=" + n + " c=" + c + " oc=" + oc
                + (withBias ? " bias" : " nobias");
        SplittableRandom rnd = new SplittableRandom(seed);
        try (Arena arena = Arena.ofShared()) {
            Operands o = operands(arena, n, c, oc, rnd);
            Buf inp = o.inp(), w = o.w(), bias = o.bias(), out = o.out();
            // forward must overwrite: poison the output with NaN
            fill(out, Float.NaN);
            float[] before = out.all();
            e.forward(out.seg, out.off, inp.seg, inp.off, w.seg, w.off, withBias ? bias.seg : null,
                    bias.off, n, c, oc);
            check("forward " + tag, out, before, refForward(inp, w, withBias ? bias : null, n, c, oc), tol(c));

            Buf dout = buf(arena, (long) n * oc, 9, rnd);
            Buf dinp = buf(arena, (long) n * c, 2, rnd);
            double[] expDinp = refBackwardInput(dinp, dout, w, n, c, oc);
            before = dinp.all();
            e.backwardInput(dinp.seg, dinp.off, dout.seg, dout.off, w.seg, w.off, n, c, oc);
            check("backwardInput " + tag, dinp, before, expDinp, tol(oc));
            // the overwriting form must not read dinp: poison it with NaN
            Buf dset = buf(arena, (long) n * c, 2, rnd);
            fill(dset, 0f);
            double[] expSet = refBackwardInput(dset, dout, w, n, c, oc);
            fill(dset, Float.NaN);
            before = dset.all();
            e.backwardInput(dset.seg, dset.off, dout.seg, dout.off, w.seg, w.off, n, c, oc, false);
            check("backwardInput (overwrite) " + tag, dset, before, expSet, tol(oc));

            Buf dw = buf(arena, (long) oc * c, 4, rnd);
            Buf dbias = buf(arena, oc, 6, rnd);
            double[] expDw = refBackwardWeight(dw, dout, inp, n, c, oc);
            double[] expDb = refBias(dbias, dout, n, oc);
            float[] beforeDw = dw.all();
            float[] beforeDb = dbias.all();
            e.backwardWeight(dw.seg, dw.off, withBias ? dbias.seg : null, dbias.off, dout.seg, dout.off,
                    inp.seg, inp.off, n, c, oc);
            check("backwardWeight " + tag, dw, beforeDw, expDw, tol(n));
            if (withBias) {
                check("dbias " + tag, dbias, beforeDb, expDb, tol(n));
            } else {
                assertTrue(java.util.Arrays.equals(beforeDb, dbias.all()), "dbias untouched when null");
            }
            // the overwriting weight gradient must not read dw: poison it with NaN
            Buf wset = buf(arena, (long) oc * c, 4, rnd);
            fill(wset, 0f);
            double[] expWset = refBackwardWeight(wset, dout, inp, n, c, oc);
            fill(wset, Float.NaN);
            float[] beforeWset = wset.all();
            e.backwardWeight(wset.seg, wset.off, null, 0, dout.seg, dout.off, inp.seg, inp.off, n, c, oc, false);
            check("backwardWeight (overwrite) " + tag, wset, beforeWset, expWset, tol(n));
        }
    }

    static void fill(Buf b, float v) {
        for (long i = 0; i < b.len; i++) {
            b.set(i, v);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Tests
    // ---------------------------------------------------------------------------------------

    @Test
    void oddShapesDefaultKernel() {
        List<GemmEngine> engines = List.of(new GemmEngine(pool1), new GemmEngine(pool2), new GemmEngine(pool3));
        long seed = 1;
        for (GemmEngine e : engines) {
            for (int n : NS) {
                for (int c : CS) {
                    for (int oc : OCS) {
                        checkShape(e, n, c, oc, (n + c + oc) % 2 == 0, seed++);
                    }
                }
            }
        }
    }

    @Test
    void everyKernelGeometry() {
        for (GemmEngine.Kernel k : GemmEngine.Kernel.values()) {
            GemmEngine e = new GemmEngine(pool2, k, GemmEngine.DEFAULT_KC, GemmEngine.DEFAULT_MC,
                    GemmEngine.DEFAULT_NC);
            checkShape(e, 37, 72, 301, true, 100 + k.ordinal());
            checkShape(e, 3, 5, 3, false, 200 + k.ordinal());
        }
    }

    @Test
    void smallBlockingExercisesAllBlockLoops() {
        // K split into several slices (forward must overwrite on the first slice and accumulate after),
        // several row blocks and column blocks per worker
        for (JvmParallel p : List.of(pool1, pool2, pool3)) {
            GemmEngine e = new GemmEngine(p, GemmEngine.Kernel.auto(), 16, 8, 1);
            checkShape(e, 37, 100, 301, true, 300);
            checkShape(e, 37, 72, 3, false, 301);
            checkShape(e, 1, 100, 301, true, 302);
        }
    }

    @Test
    void autoKernelFollowsVectorWidthAndRegisterScheduling() {
        // the build runs the tests with -XX:-OptoRegScheduling (pom.xml jvm.flags), as the launcher does
        assertFalse(GemmEngine.OPTO_REG_SCHEDULING, "tests run without C2's register-pressure scheduling");
        GemmEngine.Kernel expected = GemmEngine.vectorLanes() >= 16 ? GemmEngine.Kernel.K4X4 : GemmEngine.Kernel.K6X2;
        assertEquals(expected, GemmEngine.Kernel.auto());
    }

    @Test
    void unknownForcedKernelNamesTheProperty() {
        System.setProperty("tornadogpt.gemm.kernel", "K5X5");
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, GemmEngine.Kernel::auto);
            assertTrue(e.getMessage().contains("tornadogpt.gemm.kernel=K5X5") && e.getMessage().contains("K6X2"), e.getMessage());
            System.setProperty("tornadogpt.gemm.kernel", "k4x2");
            assertEquals(GemmEngine.Kernel.K4X2, GemmEngine.Kernel.auto());
        } finally {
            System.clearProperty("tornadogpt.gemm.kernel");
        }
    }

    @Test
    void badSharedAPropertyNamesTheProperty() {
        for (String bad : new String[] {"lots", "-1", "1.5"}) {
            System.setProperty("tornadogpt.gemm.sharedA", bad);
            try {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new GemmEngine(pool2));
                assertTrue(e.getMessage().startsWith("-Dtornadogpt.gemm.sharedA=" + bad + ": "), e.getMessage());
            } finally {
                System.clearProperty("tornadogpt.gemm.sharedA");
            }
        }
        System.setProperty("tornadogpt.gemm.sharedA", "0");
        try {
            GemmEngine off = new GemmEngine(pool2);
            checkShape(off, 37, 72, 301, true, 900);
            assertEquals(0, off.sharedJobs(), "-Dtornadogpt.gemm.sharedA=0 turns the shared A path off");
        } finally {
            System.clearProperty("tornadogpt.gemm.sharedA");
        }
        assertEquals(GemmEngine.DEFAULT_SHARED_A_MAX, GemmEngine.sharedAMaxProperty());
    }

    @Test
    void deepSingleSliceBlocking() {
        // K in (kc, kcDeep] runs as one slice with fewer rows per A block; deeper K falls back to kc slices
        for (JvmParallel p : List.of(pool1, pool2)) {
            GemmEngine e = new GemmEngine(p, GemmEngine.Kernel.auto(), 16, 8, 40, 64);
            checkShape(e, 37, 64, 301, true, 500);  // forward K=64, backwardInput K=301 (sliced), backwardWeight K=37
            checkShape(e, 29, 50, 90, false, 501);
            checkShape(e, 64, 17, 33, true, 502);
        }
    }

    /**
     * A packed once into the shared buffer (then columns only split, several parts per worker) must
     * give the same bits as each worker packing its own A: the summation order does not change.
     */
    @Test
    void sharedAPackingGivesTheSameBitsAsPerWorkerPacking() {
        int[][] shapes = {{37, 72, 301}, {64, 17, 33}, {1, 5, 300}, {29, 50, 2000}, {130, 300, 97}};
        for (JvmParallel p : List.of(pool1, pool2, pool3)) {
            for (boolean small : new boolean[] {false, true}) {
                GemmEngine shared = small ? new GemmEngine(p, GemmEngine.Kernel.auto(), 16, 8, 40, 64) : new GemmEngine(p);
                GemmEngine own = (small ? new GemmEngine(p, GemmEngine.Kernel.auto(), 16, 8, 40, 64) : new GemmEngine(p)).sharedAMax(0);
                long seed = 700;
                for (int[] s : shapes) {
                    checkShape(shared, s[0], s[1], s[2], true, seed);
                    float[][] a = products(shared, s[0], s[1], s[2], seed);
                    float[][] b = products(own, s[0], s[1], s[2], seed++);
                    for (int i = 0; i < a.length; i++) {
                        assertTrue(java.util.Arrays.equals(a[i], b[i]), "product " + i + " t=" + p.threads() + " small=" + small
                                + " shape " + java.util.Arrays.toString(s));
                    }
                }
                assertTrue(shared.sharedJobs() > 0, "the shared A path ran (t=" + p.threads() + ", small=" + small + ")");
                assertEquals(0, own.sharedJobs(), "sharedAMax(0) turns the shared A path off");
            }
        }
        // every register tile (panels of 4 or 6 rows), not only the one this machine picks
        for (GemmEngine.Kernel k : GemmEngine.Kernel.values()) {
            GemmEngine shared = new GemmEngine(pool2, k, 16, 8, 40, 64);
            GemmEngine own = new GemmEngine(pool2, k, 16, 8, 40, 64).sharedAMax(0);
            float[][] a = products(shared, 37, 72, 301, 800 + k.ordinal());
            float[][] b = products(own, 37, 72, 301, 800 + k.ordinal());
            for (int i = 0; i < a.length; i++) {
                assertTrue(java.util.Arrays.equals(a[i], b[i]), "product " + i + " kernel " + k);
            }
            checkShape(shared, 37, 72, 301, true, 810 + k.ordinal());
            assertTrue(shared.sharedJobs() > 0, "the shared A path ran with " + k);
        }
    }

    /** Forward, backwardInput and backwardWeight (with bias) on fixed random operands; the three outputs. */
    private static float[][] products(GemmEngine e, int n, int c, int oc, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        try (Arena arena = Arena.ofShared()) {
            Operands o = operands(arena, n, c, oc, rnd);
            Buf inp = o.inp(), w = o.w(), bias = o.bias(), out = o.out();
            Buf dout = buf(arena, (long) n * oc, 9, rnd);
            Buf dinp = buf(arena, (long) n * c, 2, rnd);
            Buf dw = buf(arena, (long) oc * c, 4, rnd);
            e.forward(out.seg, out.off, inp.seg, inp.off, w.seg, w.off, bias.seg, bias.off, n, c, oc);
            e.backwardInput(dinp.seg, dinp.off, dout.seg, dout.off, w.seg, w.off, n, c, oc);
            e.backwardWeight(dw.seg, dw.off, bias.seg, bias.off, dout.seg, dout.off, inp.seg, inp.off, n, c, oc);
            return new float[][] {out.all(), dinp.all(), dw.all(), bias.all()};
        }
    }

    @Test
    void lmHeadWidthWithFewRows() {
        GemmEngine e = new GemmEngine(pool2);
        checkShape(e, 1, 5, 50257, true, 400);
        checkShape(e, 3, 72, 50257, false, 401);
    }

    @Test
    void resultsDoNotDependOnThreadCount() {
        List<float[][]> results = new ArrayList<>();
        for (JvmParallel p : List.of(pool1, pool2, pool3)) {
            results.add(products(new GemmEngine(p), 37, 100, 301, 7));
        }
        for (int t = 1; t < results.size(); t++) {
            for (int k = 0; k < results.get(0).length; k++) {
                float[] a = results.get(0)[k];
                float[] b = results.get(t)[k];
                assertEquals(a.length, b.length);
                for (int i = 0; i < a.length; i++) {
                    assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]),
                            "product " + k + ", element " + i + " differs between 1 and " + (t + 1) + " threads");
                }
            }
        }
    }

    @Test
    void backwardProductsAccumulateAcrossCalls() {
        int n = 5;
        int c = 72;
        int oc = 3;
        GemmEngine e = new GemmEngine(pool2);
        SplittableRandom rnd = new SplittableRandom(11);
        try (Arena arena = Arena.ofShared()) {
            Buf inp = buf(arena, (long) n * c, 0, rnd);
            Buf w = buf(arena, (long) oc * c, 0, rnd);
            Buf dout = buf(arena, (long) n * oc, 0, rnd);
            Buf dinp = buf(arena, (long) n * c, 0, rnd);
            Buf dw = buf(arena, (long) oc * c, 0, rnd);
            Buf dbias = buf(arena, oc, 0, rnd);
            double[] d1 = refBackwardInput(dinp, dout, w, n, c, oc);
            double[] w1 = refBackwardWeight(dw, dout, inp, n, c, oc);
            double[] b1 = refBias(dbias, dout, n, oc);
            float[] dinp0 = dinp.all();
            float[] dw0 = dw.all();
            float[] db0 = dbias.all();
            for (int rep = 0; rep < 2; rep++) {
                e.backwardInput(dinp.seg, 0, dout.seg, 0, w.seg, 0, n, c, oc);
                e.backwardWeight(dw.seg, 0, dbias.seg, 0, dout.seg, 0, inp.seg, 0, n, c, oc);
            }
            // after two calls: x0 + 2 * product
            double[] d2 = new double[d1.length];
            for (int i = 0; i < d1.length; i++) {
                d2[i] = 2 * d1[i] - dinp0[i];
            }
            double[] w2 = new double[w1.length];
            for (int i = 0; i < w1.length; i++) {
                w2[i] = 2 * w1[i] - dw0[i];
            }
            double[] b2 = new double[b1.length];
            for (int i = 0; i < b1.length; i++) {
                b2[i] = 2 * b1[i] - db0[i];
            }
            check("dinp x2", dinp, dinp0, d2, 2 * tol(oc));
            check("dw x2", dw, dw0, w2, 2 * tol(n));
            check("dbias x2", dbias, db0, b2, 2 * tol(n));
        }
    }

    @Test
    void staticFacadeAndZeroSizes() {
        SplittableRandom rnd = new SplittableRandom(3);
        try (Arena arena = Arena.ofShared()) {
            int n = 3;
            int c = 5;
            int oc = 7;
            Buf inp = buf(arena, (long) n * c, 2, rnd);
            Buf w = buf(arena, (long) oc * c, 1, rnd);
            Buf bias = buf(arena, oc, 0, rnd);
            Buf out = buf(arena, (long) n * oc, 4, rnd);
            float[] before = out.all();
            Gemm.forward(out.seg, out.off, inp.seg, inp.off, w.seg, w.off, bias.seg, bias.off, n, c, oc);
            check("facade forward", out, before, refForward(inp, w, bias, n, c, oc), tol(c));

            // c == 0: forward writes the bias (or zeros); the backward products change nothing
            Gemm.forward(out.seg, out.off, inp.seg, inp.off, w.seg, w.off, bias.seg, bias.off, n, 0, oc);
            double[] exp = new double[n * oc];
            for (int i = 0; i < n; i++) {
                for (int o = 0; o < oc; o++) {
                    exp[i * oc + o] = bias.get(o);
                }
            }
            check("forward c=0", out, before, exp, 0);
            float[] snapshot = out.all();
            Gemm.backwardInput(out.seg, out.off, inp.seg, inp.off, w.seg, w.off, 0, c, oc);
            Gemm.backwardWeight(out.seg, out.off, bias.seg, bias.off, inp.seg, inp.off, w.seg, w.off, n, 0, 0);
            assertTrue(java.util.Arrays.equals(snapshot, out.all()));

            // an empty reduction with overwrite: the gradients become zeros
            GemmEngine e = new GemmEngine(pool2);
            Buf dz = buf(arena, (long) n * c, 2, rnd);
            fill(dz, Float.NaN);
            float[] dzBefore = dz.all();
            e.backwardInput(dz.seg, dz.off, inp.seg, inp.off, w.seg, w.off, n, c, 0, false);
            check("backwardInput oc=0 (overwrite)", dz, dzBefore, new double[n * c], 0);
            Buf wz = buf(arena, (long) oc * c, 2, rnd);
            fill(wz, Float.NaN);
            float[] wzBefore = wz.all();
            float[] biasBefore = bias.all();
            e.backwardWeight(wz.seg, wz.off, bias.seg, bias.off, inp.seg, inp.off, w.seg, w.off, 0, c, oc, false);
            check("backwardWeight n=0 (overwrite)", wz, wzBefore, new double[oc * c], 0);
            assertTrue(java.util.Arrays.equals(biasBefore, bias.all()), "dbias unchanged by an empty reduction");
        }
    }

    @Test
    void rejectsOutOfBoundsOperands() {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment small = arena.allocate(10 * Float.BYTES);
            MemorySegment big = arena.allocate(1000 * Float.BYTES);
            assertThrows(IndexOutOfBoundsException.class,
                    () -> Gemm.forward(small, 0, big, 0, big, 0, null, 0, 3, 4, 5));
            assertThrows(IndexOutOfBoundsException.class,
                    () -> Gemm.backwardInput(big, 0, big, 0, big, 995, 3, 4, 5));
            assertThrows(IndexOutOfBoundsException.class,
                    () -> Gemm.backwardWeight(big, 0, small, 8, big, 0, big, 0, 3, 4, 5));
            assertThrows(IllegalArgumentException.class,
                    () -> Gemm.forward(big, 0, big, 0, big, 0, null, 0, -1, 4, 5));
        }
    }

    // ---------------------------------------------------------------------------------------
    // Batched strided matmul
    // ---------------------------------------------------------------------------------------

    static double[] refMatmul(int batch, int m, int n, int k, float alpha, Buf a, long aBatch, long aRow, long aCol,
                              Buf b, long bBatch, long bRow, long bCol, Buf c, long cBatch, long ldc, boolean acc) {
        double[] r = new double[(int) c.len];
        for (int i = 0; i < r.length; i++) {
            r[i] = c.get(i);
        }
        for (int e = 0; e < batch; e++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        s += (double) a.get(e * aBatch + i * aRow + p * aCol) * b.get(e * bBatch + p * bRow + j * bCol);
                    }
                    int at = (int) (e * cBatch + i * ldc + j);
                    r[at] = (acc ? r[at] : 0) + alpha * s;
                }
            }
        }
        return r;
    }

    @Test
    void batchedStridedMatmulLikeAttention() {
        // qkv [B, T, 3C] with NH heads of size hs; scores = q k^T * scale, then y = att v
        int bsz = 2;
        int t = 37;
        int nh = 3;
        int hs = 20;
        int c = nh * hs;
        float scale = (float) (1 / Math.sqrt(hs));
        for (JvmParallel p : List.of(pool1, pool2, pool3)) {
            GemmEngine e = new GemmEngine(p);
            SplittableRandom rnd = new SplittableRandom(21);
            try (Arena arena = Arena.ofShared()) {
                Buf qkv = buf(arena, (long) bsz * t * 3 * c, 3, rnd);
                Buf att = buf(arena, (long) bsz * nh * t * t, 1, rnd);
                Buf y = buf(arena, (long) bsz * t * c, 2, rnd);
                for (int b = 0; b < bsz; b++) {
                    long q = (long) b * t * 3 * c;
                    Buf qb = new Buf(qkv.seg(), qkv.off() + q, qkv.len() - q);
                    Buf kb = new Buf(qkv.seg(), qkv.off() + q + c, qkv.len() - q - c);
                    Buf vb = new Buf(qkv.seg(), qkv.off() + q + 2 * c, qkv.len() - q - 2 * c);
                    Buf ab = new Buf(att.seg(), att.off() + (long) b * nh * t * t, (long) nh * t * t);
                    Buf yb = new Buf(y.seg(), y.off() + (long) b * t * c, (long) t * c);
                    double[] expAtt = refMatmul(nh, t, t, hs, scale, qb, hs, 3L * c, 1, kb, hs, 1, 3L * c, ab, (long) t * t, t, false);
                    e.matmul(nh, t, t, hs, scale, qkv.seg(), qb.off(), hs, 3L * c, 1, qkv.seg(), kb.off(), hs, 1, 3L * c,
                            att.seg(), ab.off(), (long) t * t, t, false);
                    checkRange("scores b=" + b + " t=" + p.threads(), ab, expAtt, tol(hs));
                    double[] expY = refMatmul(nh, t, hs, t, 1f, ab, (long) t * t, t, 1, vb, hs, 3L * c, 1, yb, hs, c, false);
                    e.matmul(nh, t, hs, t, 1f, att.seg(), ab.off(), (long) t * t, t, 1, qkv.seg(), vb.off(), hs, 3L * c, 1,
                            y.seg(), yb.off(), hs, c, false);
                    checkRange("y b=" + b + " t=" + p.threads(), yb, expY, tol(t));
                }
            }
        }
    }

    @Test
    void matmulAccumulatesAndHandlesSingleEntries() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int[] dims : new int[][] {{1, 1, 1, 1}, {1, 37, 301, 72}, {5, 3, 17, 5}, {2, 64, 64, 100}}) {
            int batch = dims[0];
            int m = dims[1];
            int n = dims[2];
            int k = dims[3];
            for (boolean acc : new boolean[] {false, true}) {
                for (JvmParallel p : List.of(pool1, pool2)) {
                    GemmEngine e = new GemmEngine(p);
                    try (Arena arena = Arena.ofShared()) {
                        // A column-major with padding, B row-major with padding, C with ldc > n
                        long aRow = 1;
                        long aCol = m + 2;
                        long aBatch = aCol * k + 1;
                        long bRow = n + 3;
                        long bCol = 1;
                        long bBatch = bRow * k;
                        long ldc = n + 1;
                        long cBatch = ldc * m + 5;
                        Buf a = buf(arena, aBatch * batch, 4, rnd);
                        Buf b = buf(arena, bBatch * batch, 0, rnd);
                        Buf c = buf(arena, cBatch * batch, 7, rnd);
                        double[] exp = refMatmul(batch, m, n, k, 0.5f, a, aBatch, aRow, aCol, b, bBatch, bRow, bCol, c,
                                cBatch, ldc, acc);
                        // elements of c outside the m x n entries keep their values
                        e.matmul(batch, m, n, k, 0.5f, a.seg(), a.off(), aBatch, aRow, aCol, b.seg(), b.off(), bBatch,
                                bRow, bCol, c.seg(), c.off(), cBatch, ldc, acc);
                        checkRange("matmul " + java.util.Arrays.toString(dims) + " acc=" + acc, c, exp, tol(k));
                    }
                }
            }
        }
    }

    static void checkRange(String what, Buf actual, double[] expected, double tol) {
        for (int i = 0; i < expected.length; i++) {
            float v = actual.get(i);
            if (!(Math.abs(v - expected[i]) <= tol)) {
                fail(what + ": element " + i + " = " + v + ", expected " + expected[i] + " (tol " + tol + ")");
            }
        }
    }
}
