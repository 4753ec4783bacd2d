package org.tornadogpt.runtime.jvm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Objects;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packed, register-blocked single-precision matrix products on off-heap {@link MemorySegment}s,
 * parallelized over a {@link JvmParallel} pool. See {@link Gemm} for the operations' semantics;
 * this class is the engine behind it and can be instantiated with its own pool (e.g. in tests).
 *
 * <p>All three products are mapped onto one generic update {@code C[M,N] (+)= A[M,K] * B[K,N]}
 * with strided A and B and row-major C:
 * <ul>
 *   <li>B is packed, per K-slice of {@code kc} rows, into zero-padded strips {@code NR = 4 * VL}
 *       columns wide ({@code VL} = lanes of {@link FloatVector#SPECIES_PREFERRED});</li>
 *   <li>A is packed into zero-padded panels of {@code MR = 4} rows;</li>
 *   <li>a micro-kernel keeps a 4 x NR tile of C in 16 vector accumulators, broadcasting one A
 *       value per row and doing 4 FMAs per row per k step.</li>
 * </ul>
 * The output is split over a 2-D grid of workers (rows x column strips), chosen to balance the
 * compute and keep packing duplication low. Results do not depend on the number of threads: each
 * output element is always summed in the same order.
 *
 * <p><b>Thread safety:</b> an engine owns per-worker packing buffers and a single reusable job
 * object; use it from one caller thread at a time. Segments must be accessible from the pool's
 * worker threads (global, automatic or shared arenas, not confined ones) and must be native
 * (off-heap) segments or heap segments backed by {@code byte[]}.
 */
public final class GemmEngine implements JvmParallel.Task {

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int VL = S.length();
    /** Micro-kernel geometry: rows x vectors of the register tile. */
    public enum Kernel {
        /** 4 rows x 4 vectors = 16 accumulators. */
        K4X4(4, 4),
        /** 6 rows x 2 vectors = 12 accumulators. */
        K6X2(6, 2),
        /** 5 rows x 2 vectors = 10 accumulators. */
        K5X2(5, 2),
        /** 4 rows x 2 vectors = 8 accumulators. */
        K4X2(4, 2),
        /** 4 rows x 3 vectors = 12 accumulators. */
        K4X3(4, 3),
        /** 3 rows x 3 vectors = 9 accumulators. */
        K3X3(3, 3),
        /** 8 rows x 1 vectors = 8 accumulators. */
        K8X1(8, 1),
        /** 2 rows x 4 vectors = 8 accumulators. */
        K2X4(2, 4);

        final int rows;
        final int vectors;

        Kernel(int rows, int vectors) {
            this.rows = rows;
            this.vectors = vectors;
        }

        /** The default for this machine: 512-bit vectors imply AVX-512 and its 32 registers. */
        public static Kernel auto() {
            return VL >= 16 ? K4X4 : K6X2;
        }
    }
    private static final ByteOrder NO = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    /** Default blocking: depth of a packed K-slice, rows per packed A block, columns per packed B block. */
    public static final int DEFAULT_KC = 256;
    public static final int DEFAULT_MC = 128;
    public static final int DEFAULT_NC = 1024;

    private final JvmParallel pool;
    private final Kernel kernel;
    private final int mrT; // rows of the register tile
    private final int nrT; // columns of the register tile
    private final int kcBlock;
    private final int mcBlock;
    private final int ncBlock;

    // per-worker workspace, preallocated
    private final float[][] packA;
    private final float[][] packB;
    private final MemorySegment[] scratch; // per-worker register-tile-sized scratch for ragged edges

    // ---- the current job (set by the caller before pool.run, read by the workers) ----
    private MemorySegment a;
    private long aOff;
    private long ars; // A[i, k] at aOff + i * ars + k * acs
    private long acs;
    private MemorySegment b;
    private long bOff;
    private long brs; // B[k, j] at bOff + k * brs + j * bcs
    private long bcs;
    private MemorySegment c;
    private long cOff;
    private long ldc; // C[i, j] at cOff + i * ldc + j
    private MemorySegment bias; // forward only (overwrite mode)
    private long biasOff;
    private boolean overwrite;
    private int m;
    private int n;
    private int k;
    private int tm; // worker grid
    private int tn;
    // dbias (backwardWeight): dbias[o] += sum_i dout[i * oc + o]
    private MemorySegment dbias;
    private long dbiasOff;
    private MemorySegment dout;
    private long doutOff;
    private int dbRows;
    private int dbCols;

    public GemmEngine(JvmParallel pool) {
        this(pool, Kernel.auto(), DEFAULT_KC, DEFAULT_MC, DEFAULT_NC);
    }

    /** An engine with explicit blocking (mc rounded up to a multiple of mrT, nc to a multiple of nrT). */
    public GemmEngine(JvmParallel pool, Kernel kernel, int kc, int mc, int nc) {
        this.pool = Objects.requireNonNull(pool);
        this.kernel = Objects.requireNonNull(kernel);
        this.mrT = kernel.rows;
        this.nrT = kernel.vectors * VL;
        if (kc < 1 || mc < 1 || nc < 1) {
            throw new IllegalArgumentException("blocking must be positive");
        }
        this.kcBlock = kc;
        this.mcBlock = roundUp(mc, mrT);
        this.ncBlock = roundUp(nc, nrT);
        int t = pool.threads();
        packA = new float[t][];
        packB = new float[t][];
        scratch = new MemorySegment[t];
        for (int i = 0; i < t; i++) {
            packA[i] = new float[mcBlock * kcBlock];
            packB[i] = new float[ncBlock * kcBlock];
            scratch[i] = Arena.ofAuto().allocate((long) mrT * nrT * Float.BYTES, 64);
        }
    }

    public Kernel kernel() {
        return kernel;
    }

    public JvmParallel pool() {
        return pool;
    }

    /** Lanes per vector of the species in use. */
    public static int vectorLanes() {
        return VL;
    }

    // ------------------------------------------------------------------------------------------
    // Public operations (semantics documented in Gemm)
    // ------------------------------------------------------------------------------------------

    /** out[i, o] = bias[o] + sum_k inp[i, k] * w[o, k]; overwrites out. */
    public void forward(MemorySegment out, long outOff, MemorySegment inp, long inpOff,
                        MemorySegment w, long wOff, MemorySegment bias, long biasOff,
                        int n, int c, int oc) {
        checkDims(n, c, oc);
        check(out, outOff, (long) n * oc, "out");
        check(inp, inpOff, (long) n * c, "inp");
        check(w, wOff, (long) oc * c, "w");
        if (bias != null) {
            check(bias, biasOff, oc, "bias");
        }
        if (n == 0 || oc == 0) {
            return;
        }
        if (c == 0) {
            for (int i = 0; i < n; i++) {
                for (int o = 0; o < oc; o++) {
                    float v = bias == null ? 0f : bias.getAtIndex(F, biasOff + o);
                    out.setAtIndex(F, outOff + (long) i * oc + o, v);
                }
            }
            return;
        }
        setA(inp, inpOff, c, 1);
        setB(w, wOff, 1, c);
        setC(out, outOff, oc);
        this.bias = bias;
        this.biasOff = biasOff;
        this.overwrite = true;
        launch(n, oc, c, 4.0); // transposed B pack is the expensive one
    }

    /** dinp[i, k] += sum_o dout[i, o] * w[o, k]. */
    public void backwardInput(MemorySegment dinp, long dinpOff, MemorySegment dout, long doutOff,
                              MemorySegment w, long wOff, int n, int c, int oc) {
        checkDims(n, c, oc);
        check(dinp, dinpOff, (long) n * c, "dinp");
        check(dout, doutOff, (long) n * oc, "dout");
        check(w, wOff, (long) oc * c, "w");
        if (n == 0 || c == 0 || oc == 0) {
            return;
        }
        setA(dout, doutOff, oc, 1);
        setB(w, wOff, c, 1);
        setC(dinp, dinpOff, c);
        this.bias = null;
        this.overwrite = false;
        launch(n, c, oc, 1.0);
    }

    /** dw[o, k] += sum_i dout[i, o] * inp[i, k]; dbias[o] += sum_i dout[i, o] (if dbias != null). */
    public void backwardWeight(MemorySegment dw, long dwOff, MemorySegment dbias, long dbiasOff,
                               MemorySegment dout, long doutOff, MemorySegment inp, long inpOff,
                               int n, int c, int oc) {
        checkDims(n, c, oc);
        check(dw, dwOff, (long) oc * c, "dw");
        check(dout, doutOff, (long) n * oc, "dout");
        check(inp, inpOff, (long) n * c, "inp");
        if (dbias != null) {
            check(dbias, dbiasOff, oc, "dbias");
        }
        if (n == 0 || oc == 0) {
            return;
        }
        setA(dout, doutOff, 1, oc);
        setB(inp, inpOff, c, 1);
        setC(dw, dwOff, c);
        this.bias = null;
        this.overwrite = false;
        this.dbias = dbias;
        this.dbiasOff = dbiasOff;
        this.dout = dout;
        this.doutOff = doutOff;
        this.dbRows = n;
        this.dbCols = oc;
        try {
            launch(oc, c, n, 1.0);
        } finally {
            this.dbias = null;
            this.dout = null;
        }
    }

    // ------------------------------------------------------------------------------------------
    // Driver
    // ------------------------------------------------------------------------------------------

    private void setA(MemorySegment seg, long off, long rs, long cs) {
        a = seg;
        aOff = off;
        ars = rs;
        acs = cs;
    }

    private void setB(MemorySegment seg, long off, long rs, long cs) {
        b = seg;
        bOff = off;
        brs = rs;
        bcs = cs;
    }

    private void setC(MemorySegment seg, long off, long ld) {
        c = seg;
        cOff = off;
        ldc = ld;
    }

    /**
     * Chooses the worker grid and runs. {@code packBCost} weighs the per-element cost of packing
     * B relative to packing A (a transposing pack is slower than a contiguous copy).
     */
    private void launch(int mm, int nn, int kk, double packBCost) {
        m = mm;
        n = nn;
        k = kk;
        int t = pool.threads();
        long mp = ceilDiv(mm, mrT);
        long ns = ceilDiv(nn, nrT);
        double best = Double.MAX_VALUE;
        int bestTm = 1;
        for (int x = 1; x <= t; x++) {
            if (t % x != 0) {
                continue;
            }
            int y = t / x;
            long mt = ceilDiv(mp, x) * mrT;
            long nt = ceilDiv(ns, y) * nrT;
            // rough cycles: one vector FMA per cycle; about one cycle per packed element. Each
            // worker packs its B columns once per K-slice and its A rows once per column block.
            double compute = (double) mt * nt * kk / VL;
            double packs = (double) mt * kk * ceilDiv(nt, ncBlock) + packBCost * nt * kk;
            double cost = compute + packs;
            if (cost < best - 1e-9) {
                best = cost;
                bestTm = x;
            }
        }
        tm = bestTm;
        tn = t / bestTm;
        try {
            pool.run(this);
        } finally {
            a = null;
            b = null;
            c = null;
            bias = null;
        }
    }

    @Override
    public void run(int worker, int workers) {
        int wm = worker / tn;
        int wn = worker % tn;
        long mp = ceilDiv(m, mrT);
        long ns = ceilDiv(n, nrT);
        int m0 = (int) Math.min(m, mp * wm / tm * mrT);
        int m1 = (int) Math.min(m, mp * (wm + 1) / tm * mrT);
        int n0 = (int) Math.min(n, ns * wn / tn * nrT);
        int n1 = (int) Math.min(n, ns * (wn + 1) / tn * nrT);
        if (m0 < m1 && n0 < n1) {
            block(worker, m0, m1, n0, n1);
        }
        if (dbias != null) {
            long chunks = ceilDiv(dbCols, VL);
            int o0 = (int) Math.min(dbCols, chunks * worker / workers * VL);
            int o1 = (int) Math.min(dbCols, chunks * (worker + 1) / workers * VL);
            if (o0 < o1) {
                columnSums(dout, doutOff, dbRows, dbCols, o0, o1, dbias, dbiasOff);
            }
        }
    }

    private void block(int worker, int m0, int m1, int n0, int n1) {
        final float[] ap = packA[worker];
        final float[] bp = packB[worker];
        final int kcMax = kcBlock;
        final int mcMax = mcBlock;
        final int ncMax = ncBlock;
        final int mrt = mrT;
        final int nrt = nrT;
        final MemorySegment cs = c;
        final long ld = ldc;
        final Kernel kern = kernel;
        for (int jc = n0; jc < n1; jc += ncMax) {
            int nc = Math.min(ncMax, n1 - jc);
            for (int pc = 0; pc < k; pc += kcMax) {
                int kc = Math.min(kcMax, k - pc);
                packB(bp, pc, kc, jc, nc);
                for (int ic = m0; ic < m1; ic += mcMax) {
                    int mc = Math.min(mcMax, m1 - ic);
                    packA(ap, ic, mc, pc, kc);
                    if (overwrite && pc == 0) {
                        initC(ic, mc, jc, nc);
                    }
                    for (int jr = 0; jr < nc; jr += nrt) {
                        int nr = Math.min(nrt, nc - jr);
                        int bo = (jr / nrt) * kc * nrt;
                        for (int ir = 0; ir < mc; ir += mrt) {
                            int mr = Math.min(mrt, mc - ir);
                            int ao = (ir / mrt) * kc * mrt;
                            long co = cOff + (long) (ic + ir) * ld + jc + jr;
                            if (mr == mrt && nr == nrt) {
                                micro(kern, ap, ao, bp, bo, kc, cs, co * Float.BYTES, ld * Float.BYTES);
                            } else {
                                // ragged edge: same kernel into a zeroed scratch tile (A and B are zero-padded)
                                MemorySegment t = scratch[worker];
                                t.fill((byte) 0);
                                micro(kern, ap, ao, bp, bo, kc, t, 0, (long) nrt * Float.BYTES);
                                addTile(t, nrt, cs, co, ld, mr, nr);
                            }
                        }
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // Packing
    // ------------------------------------------------------------------------------------------

    /** Packs A[ic..ic+mc, pc..pc+kc] into panels of mrT rows: ap[p*kc*mrT + kk*mrT + r]. */
    private void packA(float[] ap, int ic, int mc, int pc, int kc) {
        final MemorySegment seg = a;
        if (acs == 1) {
            for (int ir = 0; ir < mc; ir += mrT) {
                int base = (ir / mrT) * kc * mrT;
                for (int r = 0; r < mrT; r++) {
                    if (ir + r < mc) {
                        long src = aOff + (long) (ic + ir + r) * ars + pc;
                        for (int kk = 0; kk < kc; kk++) {
                            ap[base + kk * mrT + r] = seg.getAtIndex(F, src + kk);
                        }
                    } else {
                        for (int kk = 0; kk < kc; kk++) {
                            ap[base + kk * mrT + r] = 0f;
                        }
                    }
                }
            }
        } else if (ars == 1) {
            final long ld = acs;
            for (int ir = 0; ir < mc; ir += mrT) {
                int base = (ir / mrT) * kc * mrT;
                int rows = Math.min(mrT, mc - ir);
                long src = aOff + (ic + ir) + (long) pc * ld;
                if (rows == mrT) {
                    for (int kk = 0; kk < kc; kk++) {
                        long s = src + kk * ld;
                        int d = base + kk * mrT;
                        for (int r = 0; r < mrT; r++) {
                            ap[d + r] = seg.getAtIndex(F, s + r);
                        }
                    }
                } else {
                    for (int kk = 0; kk < kc; kk++) {
                        long s = src + kk * ld;
                        int d = base + kk * mrT;
                        for (int r = 0; r < mrT; r++) {
                            ap[d + r] = r < rows ? seg.getAtIndex(F, s + r) : 0f;
                        }
                    }
                }
            }
        } else {
            for (int ir = 0; ir < mc; ir += mrT) {
                int base = (ir / mrT) * kc * mrT;
                for (int kk = 0; kk < kc; kk++) {
                    for (int r = 0; r < mrT; r++) {
                        ap[base + kk * mrT + r] = ir + r < mc
                                ? seg.getAtIndex(F, aOff + (long) (ic + ir + r) * ars + (long) (pc + kk) * acs)
                                : 0f;
                    }
                }
            }
        }
    }

    /** Packs B[pc..pc+kc, jc..jc+nc] into strips of nrT columns: bp[s*kc*nrT + kk*nrT + j]. */
    private void packB(float[] bp, int pc, int kc, int jc, int nc) {
        final MemorySegment seg = b;
        if (bcs == 1) {
            final long ld = brs;
            for (int jr = 0; jr < nc; jr += nrT) {
                int base = (jr / nrT) * kc * nrT;
                int cols = Math.min(nrT, nc - jr);
                long src = bOff + (long) pc * ld + jc + jr;
                if (cols == nrT) {
                    for (int kk = 0; kk < kc; kk++) {
                        long s = (src + kk * ld) * Float.BYTES;
                        int d = base + kk * nrT;
                        for (int v = 0; v < nrT; v += VL) {
                            FloatVector.fromMemorySegment(S, seg, s + (long) v * Float.BYTES, NO).intoArray(bp, d + v);
                        }
                    }
                } else {
                    for (int kk = 0; kk < kc; kk++) {
                        long s = src + kk * ld;
                        int d = base + kk * nrT;
                        for (int j = 0; j < nrT; j++) {
                            bp[d + j] = j < cols ? seg.getAtIndex(F, s + j) : 0f;
                        }
                    }
                }
            }
        } else if (brs == 1) {
            final long ld = bcs;
            for (int jr = 0; jr < nc; jr += nrT) {
                int base = (jr / nrT) * kc * nrT;
                int cols = Math.min(nrT, nc - jr);
                for (int j = 0; j < nrT; j++) {
                    int d = base + j;
                    if (j < cols) {
                        long src = bOff + (long) (jc + jr + j) * ld + pc;
                        for (int kk = 0; kk < kc; kk++) {
                            bp[d + kk * nrT] = seg.getAtIndex(F, src + kk);
                        }
                    } else {
                        for (int kk = 0; kk < kc; kk++) {
                            bp[d + kk * nrT] = 0f;
                        }
                    }
                }
            }
        } else {
            for (int jr = 0; jr < nc; jr += nrT) {
                int base = (jr / nrT) * kc * nrT;
                for (int kk = 0; kk < kc; kk++) {
                    for (int j = 0; j < nrT; j++) {
                        bp[base + kk * nrT + j] = jr + j < nc
                                ? seg.getAtIndex(F, bOff + (long) (pc + kk) * brs + (long) (jc + jr + j) * bcs)
                                : 0f;
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // Micro-kernels. Unrolled by hand; accumulators must stay in registers, so no vectors in
    // arrays, fields or calls, and no branches besides the k loop (a rarely taken branch would
    // compile to an uncommon trap, and a deoptimized kernel runs boxed in the interpreter).
    // ------------------------------------------------------------------------------------------

    private static void micro(Kernel kern, float[] ap, int ao, float[] bp, int bo, int kc,
                              MemorySegment c, long co, long rb) {
        switch (kern) {
            case K4X4 -> kernel4x4(ap, ao, bp, bo, kc, c, co, rb);
            case K6X2 -> kernel6x2(ap, ao, bp, bo, kc, c, co, rb);
            case K5X2 -> kernel5x2(ap, ao, bp, bo, kc, c, co, rb);
            case K4X2 -> kernel4x2(ap, ao, bp, bo, kc, c, co, rb);
            case K4X3 -> kernel4x3(ap, ao, bp, bo, kc, c, co, rb);
            case K3X3 -> kernel3x3(ap, ao, bp, bo, kc, c, co, rb);
            case K8X1 -> kernel8x1(ap, ao, bp, bo, kc, c, co, rb);
            case K2X4 -> kernel2x4(ap, ao, bp, bo, kc, c, co, rb);
        }
    }

    /** C[4, 4*VL] += Apanel[kc, 4]^T * Bstrip[kc, 4*VL]; C at byte offset co, row stride rb bytes. */
    static void kernel4x4(float[] ap, int ao, float[] bp, int bo, int kc, MemorySegment c, long co, long rb) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S), c03 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S), c13 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S), c23 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S), c33 = FloatVector.zero(S);
        for (int kk = 0; kk < kc; kk++) {
            final int ai = ao + kk * 4;
            final int bi = bo + kk * 4 * VL;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + VL);
            FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * VL);
            FloatVector b3 = FloatVector.fromArray(S, bp, bi + 3 * VL);
            FloatVector x = FloatVector.broadcast(S, ap[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
            c33 = x.fma(b3, c33);
        }
        final long vb = (long) VL * Float.BYTES;
        long r = co;
        FloatVector.fromMemorySegment(S, c, r, NO).add(c00).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, c, r + vb, NO).add(c01).intoMemorySegment(c, r + vb, NO);
        FloatVector.fromMemorySegment(S, c, r + 2 * vb, NO).add(c02).intoMemorySegment(c, r + 2 * vb, NO);
        FloatVector.fromMemorySegment(S, c, r + 3 * vb, NO).add(c03).intoMemorySegment(c, r + 3 * vb, NO);
        r += rb;
        FloatVector.fromMemorySegment(S, c, r, NO).add(c10).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, c, r + vb, NO).add(c11).intoMemorySegment(c, r + vb, NO);
        FloatVector.fromMemorySegment(S, c, r + 2 * vb, NO).add(c12).intoMemorySegment(c, r + 2 * vb, NO);
        FloatVector.fromMemorySegment(S, c, r + 3 * vb, NO).add(c13).intoMemorySegment(c, r + 3 * vb, NO);
        r += rb;
        FloatVector.fromMemorySegment(S, c, r, NO).add(c20).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, c, r + vb, NO).add(c21).intoMemorySegment(c, r + vb, NO);
        FloatVector.fromMemorySegment(S, c, r + 2 * vb, NO).add(c22).intoMemorySegment(c, r + 2 * vb, NO);
        FloatVector.fromMemorySegment(S, c, r + 3 * vb, NO).add(c23).intoMemorySegment(c, r + 3 * vb, NO);
        r += rb;
        FloatVector.fromMemorySegment(S, c, r, NO).add(c30).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, c, r + vb, NO).add(c31).intoMemorySegment(c, r + vb, NO);
        FloatVector.fromMemorySegment(S, c, r + 2 * vb, NO).add(c32).intoMemorySegment(c, r + 2 * vb, NO);
        FloatVector.fromMemorySegment(S, c, r + 3 * vb, NO).add(c33).intoMemorySegment(c, r + 3 * vb, NO);
    }


    /** C[6, 2*VL] += Apanel[kc, 6]^T * Bstrip[kc, 2*VL]; C at byte offset co, row stride rb bytes. */
    static void kernel6x2(float[] ap, int ao, float[] bp, int bo, int kc, MemorySegment c, long co, long rb) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        for (int kk = 0; kk < kc; kk++) {
            final int ai = ao + kk * 6;
            final int bi = bo + kk * 2 * VL;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + VL);
            FloatVector x = FloatVector.broadcast(S, ap[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        final long vb = (long) VL * Float.BYTES;
        long r = co;
        FloatVector.fromMemorySegment(S, c, r, NO).add(c00).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, c, r + vb, NO).add(c01).intoMemorySegment(c, r + vb, NO);
        r += rb;
        FloatVector.fromMemorySegment(S, c, r, NO).add(c10).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, c, r + vb, NO).add(c11).intoMemorySegment(c, r + vb, NO);
        r += rb;
        FloatVector.fromMemorySegment(S, c, r, NO).add(c20).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, c, r + vb, NO).add(c21).intoMemorySegment(c, r + vb, NO);
        r += rb;
        FloatVector.fromMemorySegment(S, c, r, NO).add(c30).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, c, r + vb, NO).add(c31).intoMemorySegment(c, r + vb, NO);
        r += rb;
        FloatVector.fromMemorySegment(S, c, r, NO).add(c40).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, c, r + vb, NO).add(c41).intoMemorySegment(c, r + vb, NO);
        r += rb;
        FloatVector.fromMemorySegment(S, c, r, NO).add(c50).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, c, r + vb, NO).add(c51).intoMemorySegment(c, r + vb, NO);
    }


    /** C[5, 2*VL] += Apanel[kc, 5]^T * Bstrip[kc, 2*VL]; C at byte offset co, row stride rb bytes. */
    static void kernel5x2(float[] ap, int ao, float[] bp, int bo, int kc, MemorySegment c, long co, long rb) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        for (int kk = 0; kk < kc; kk++) {
            final int ai = ao + kk * 5;
            final int bi = bo + kk * 2 * VL;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + VL);
            FloatVector x = FloatVector.broadcast(S, ap[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
        }
        final long vb = (long) VL * Float.BYTES;
        long r = co;
        FloatVector.fromMemorySegment(S, c, r, NO).add(c00).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, c, r + vb, NO).add(c01).intoMemorySegment(c, r + vb, NO);
        r += rb;
        FloatVector.fromMemorySegment(S, c, r, NO).add(c10).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, c, r + vb, NO).add(c11).intoMemorySegment(c, r + vb, NO);
        r += rb;
        FloatVector.fromMemorySegment(S, c, r, NO).add(c20).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, c, r + vb, NO).add(c21).intoMemorySegment(c, r + vb, NO);
        r += rb;
        FloatVector.fromMemorySegment(S, c, r, NO).add(c30).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, c, r + vb, NO).add(c31).intoMemorySegment(c, r + vb, NO);
        r += rb;
        FloatVector.fromMemorySegment(S, c, r, NO).add(c40).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, c, r + vb, NO).add(c41).intoMemorySegment(c, r + vb, NO);
    }


    /** C[4, 2*VL] += Apanel[kc, 4]^T * Bstrip[kc, 2*VL]; C at byte offset co, row stride rb bytes. */
    static void kernel4x2(float[] ap, int ao, float[] bp, int bo, int kc, MemorySegment c, long co, long rb) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        for (int kk = 0; kk < kc; kk++) {
            final int ai = ao + kk * 4;
            final int bi = bo + kk * 2 * VL;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + VL);
            FloatVector x = FloatVector.broadcast(S, ap[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        final long vb = (long) VL * Float.BYTES;
        long r = co;
        FloatVector.fromMemorySegment(S, c, r, NO).add(c00).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, c, r + vb, NO).add(c01).intoMemorySegment(c, r + vb, NO);
        r += rb;
        FloatVector.fromMemorySegment(S, c, r, NO).add(c10).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, c, r + vb, NO).add(c11).intoMemorySegment(c, r + vb, NO);
        r += rb;
        FloatVector.fromMemorySegment(S, c, r, NO).add(c20).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, c, r + vb, NO).add(c21).intoMemorySegment(c, r + vb, NO);
        r += rb;
        FloatVector.fromMemorySegment(S, c, r, NO).add(c30).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, c, r + vb, NO).add(c31).intoMemorySegment(c, r + vb, NO);
    }


    /** C[4, 3*VL] += Apanel[kc, 4]^T * Bstrip[kc, 3*VL]; C at byte offset co, row stride rb bytes. */
    static void kernel4x3(float[] ap, int ao, float[] bp, int bo, int kc, MemorySegment c, long co, long rb) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S);
        for (int kk = 0; kk < kc; kk++) {
            final int ai = ao + kk * 4;
            final int bi = bo + kk * 3 * VL;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + VL);
            FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * VL);
            FloatVector x = FloatVector.broadcast(S, ap[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            x = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            x = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            x = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
        }
        final long vb = (long) VL * Float.BYTES;
        long r = co;
        FloatVector.fromMemorySegment(S, c, r, NO).add(c00).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, c, r + vb, NO).add(c01).intoMemorySegment(c, r + vb, NO);
        FloatVector.fromMemorySegment(S, c, r + 2 * vb, NO).add(c02).intoMemorySegment(c, r + 2 * vb, NO);
        r += rb;
        FloatVector.fromMemorySegment(S, c, r, NO).add(c10).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, c, r + vb, NO).add(c11).intoMemorySegment(c, r + vb, NO);
        FloatVector.fromMemorySegment(S, c, r + 2 * vb, NO).add(c12).intoMemorySegment(c, r + 2 * vb, NO);
        r += rb;
        FloatVector.fromMemorySegment(S, c, r, NO).add(c20).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, c, r + vb, NO).add(c21).intoMemorySegment(c, r + vb, NO);
        FloatVector.fromMemorySegment(S, c, r + 2 * vb, NO).add(c22).intoMemorySegment(c, r + 2 * vb, NO);
        r += rb;
        FloatVector.fromMemorySegment(S, c, r, NO).add(c30).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, c, r + vb, NO).add(c31).intoMemorySegment(c, r + vb, NO);
        FloatVector.fromMemorySegment(S, c, r + 2 * vb, NO).add(c32).intoMemorySegment(c, r + 2 * vb, NO);
    }


    /** C[3, 3*VL] += Apanel[kc, 3]^T * Bstrip[kc, 3*VL]; C at byte offset co, row stride rb bytes. */
    static void kernel3x3(float[] ap, int ao, float[] bp, int bo, int kc, MemorySegment c, long co, long rb) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S);
        for (int kk = 0; kk < kc; kk++) {
            final int ai = ao + kk * 3;
            final int bi = bo + kk * 3 * VL;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + VL);
            FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * VL);
            FloatVector x = FloatVector.broadcast(S, ap[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            x = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            x = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
        }
        final long vb = (long) VL * Float.BYTES;
        long r = co;
        FloatVector.fromMemorySegment(S, c, r, NO).add(c00).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, c, r + vb, NO).add(c01).intoMemorySegment(c, r + vb, NO);
        FloatVector.fromMemorySegment(S, c, r + 2 * vb, NO).add(c02).intoMemorySegment(c, r + 2 * vb, NO);
        r += rb;
        FloatVector.fromMemorySegment(S, c, r, NO).add(c10).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, c, r + vb, NO).add(c11).intoMemorySegment(c, r + vb, NO);
        FloatVector.fromMemorySegment(S, c, r + 2 * vb, NO).add(c12).intoMemorySegment(c, r + 2 * vb, NO);
        r += rb;
        FloatVector.fromMemorySegment(S, c, r, NO).add(c20).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, c, r + vb, NO).add(c21).intoMemorySegment(c, r + vb, NO);
        FloatVector.fromMemorySegment(S, c, r + 2 * vb, NO).add(c22).intoMemorySegment(c, r + 2 * vb, NO);
    }


    /** C[8, 1*VL] += Apanel[kc, 8]^T * Bstrip[kc, 1*VL]; C at byte offset co, row stride rb bytes. */
    static void kernel8x1(float[] ap, int ao, float[] bp, int bo, int kc, MemorySegment c, long co, long rb) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S);
        for (int kk = 0; kk < kc; kk++) {
            final int ai = ao + kk * 8;
            final int bi = bo + kk * VL;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector x = FloatVector.broadcast(S, ap[ai]);
            c00 = x.fma(b0, c00);
            x = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = x.fma(b0, c10);
            x = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = x.fma(b0, c20);
            x = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = x.fma(b0, c30);
            x = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = x.fma(b0, c40);
            x = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = x.fma(b0, c50);
            x = FloatVector.broadcast(S, ap[ai + 6]);
            c60 = x.fma(b0, c60);
            x = FloatVector.broadcast(S, ap[ai + 7]);
            c70 = x.fma(b0, c70);
        }
        final long vb = (long) VL * Float.BYTES;
        long r = co;
        FloatVector.fromMemorySegment(S, c, r, NO).add(c00).intoMemorySegment(c, r, NO);
        r += rb;
        FloatVector.fromMemorySegment(S, c, r, NO).add(c10).intoMemorySegment(c, r, NO);
        r += rb;
        FloatVector.fromMemorySegment(S, c, r, NO).add(c20).intoMemorySegment(c, r, NO);
        r += rb;
        FloatVector.fromMemorySegment(S, c, r, NO).add(c30).intoMemorySegment(c, r, NO);
        r += rb;
        FloatVector.fromMemorySegment(S, c, r, NO).add(c40).intoMemorySegment(c, r, NO);
        r += rb;
        FloatVector.fromMemorySegment(S, c, r, NO).add(c50).intoMemorySegment(c, r, NO);
        r += rb;
        FloatVector.fromMemorySegment(S, c, r, NO).add(c60).intoMemorySegment(c, r, NO);
        r += rb;
        FloatVector.fromMemorySegment(S, c, r, NO).add(c70).intoMemorySegment(c, r, NO);
    }


    /** C[2, 4*VL] += Apanel[kc, 2]^T * Bstrip[kc, 4*VL]; C at byte offset co, row stride rb bytes. */
    static void kernel2x4(float[] ap, int ao, float[] bp, int bo, int kc, MemorySegment c, long co, long rb) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S), c03 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S), c13 = FloatVector.zero(S);
        for (int kk = 0; kk < kc; kk++) {
            final int ai = ao + kk * 2;
            final int bi = bo + kk * 4 * VL;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + VL);
            FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * VL);
            FloatVector b3 = FloatVector.fromArray(S, bp, bi + 3 * VL);
            FloatVector x = FloatVector.broadcast(S, ap[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            c13 = x.fma(b3, c13);
        }
        final long vb = (long) VL * Float.BYTES;
        long r = co;
        FloatVector.fromMemorySegment(S, c, r, NO).add(c00).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, c, r + vb, NO).add(c01).intoMemorySegment(c, r + vb, NO);
        FloatVector.fromMemorySegment(S, c, r + 2 * vb, NO).add(c02).intoMemorySegment(c, r + 2 * vb, NO);
        FloatVector.fromMemorySegment(S, c, r + 3 * vb, NO).add(c03).intoMemorySegment(c, r + 3 * vb, NO);
        r += rb;
        FloatVector.fromMemorySegment(S, c, r, NO).add(c10).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, c, r + vb, NO).add(c11).intoMemorySegment(c, r + vb, NO);
        FloatVector.fromMemorySegment(S, c, r + 2 * vb, NO).add(c12).intoMemorySegment(c, r + 2 * vb, NO);
        FloatVector.fromMemorySegment(S, c, r + 3 * vb, NO).add(c13).intoMemorySegment(c, r + 3 * vb, NO);
    }


    /** C[r, j] += tile[r * cols + j] for r < mr, j < nr (C at element offset co). */
    private static void addTile(MemorySegment tile, int cols, MemorySegment c, long co, long ldc, int mr, int nr) {
        for (int r = 0; r < mr; r++) {
            long row = co + r * ldc;
            long t = (long) r * cols;
            for (int j = 0; j < nr; j++) {
                c.setAtIndex(F, row + j, c.getAtIndex(F, row + j) + tile.getAtIndex(F, t + j));
            }
        }
    }

    /** C[ic..ic+mc, jc..jc+nc] = bias[jc..jc+nc] (or 0 when bias is null). */
    private void initC(int ic, int mc, int jc, int nc) {
        final MemorySegment cs = c;
        for (int i = ic; i < ic + mc; i++) {
            long row = (cOff + (long) i * ldc + jc) * Float.BYTES;
            if (bias != null) {
                MemorySegment.copy(bias, (biasOff + jc) * Float.BYTES, cs, row, (long) nc * Float.BYTES);
            } else {
                int j = 0;
                FloatVector z = FloatVector.zero(S);
                for (; j + VL <= nc; j += VL) {
                    z.intoMemorySegment(cs, row + (long) j * Float.BYTES, NO);
                }
                for (; j < nc; j++) {
                    cs.set(F, row + (long) j * Float.BYTES, 0f);
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // Column sums for dbias
    // ------------------------------------------------------------------------------------------

    /** dst[o] += sum_i src[i * cols + o] for o in [o0, o1). */
    static void columnSums(MemorySegment src, long srcOff, int rows, int cols, int o0, int o1,
                           MemorySegment dst, long dstOff) {
        int o = o0;
        final long rowBytes = (long) cols * Float.BYTES;
        for (; o + 4 * VL <= o1; o += 4 * VL) {
            FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S), s2 = FloatVector.zero(S), s3 = FloatVector.zero(S);
            long p = (srcOff + o) * Float.BYTES;
            for (int i = 0; i < rows; i++, p += rowBytes) {
                s0 = s0.add(FloatVector.fromMemorySegment(S, src, p, NO));
                s1 = s1.add(FloatVector.fromMemorySegment(S, src, p + VL * Float.BYTES, NO));
                s2 = s2.add(FloatVector.fromMemorySegment(S, src, p + 2L * VL * Float.BYTES, NO));
                s3 = s3.add(FloatVector.fromMemorySegment(S, src, p + 3L * VL * Float.BYTES, NO));
            }
            long d = (dstOff + o) * Float.BYTES;
            final long vb = (long) VL * Float.BYTES;
            FloatVector.fromMemorySegment(S, dst, d, NO).add(s0).intoMemorySegment(dst, d, NO);
            FloatVector.fromMemorySegment(S, dst, d + vb, NO).add(s1).intoMemorySegment(dst, d + vb, NO);
            FloatVector.fromMemorySegment(S, dst, d + 2 * vb, NO).add(s2).intoMemorySegment(dst, d + 2 * vb, NO);
            FloatVector.fromMemorySegment(S, dst, d + 3 * vb, NO).add(s3).intoMemorySegment(dst, d + 3 * vb, NO);
        }
        for (; o < o1; o += VL) {
            VectorMask<Float> mask = S.indexInRange(o, o1);
            FloatVector s = FloatVector.zero(S);
            long p = (srcOff + o) * Float.BYTES;
            for (int i = 0; i < rows; i++, p += rowBytes) {
                s = s.add(FloatVector.fromMemorySegment(S, src, p, NO, mask));
            }
            long d = (dstOff + o) * Float.BYTES;
            FloatVector.fromMemorySegment(S, dst, d, NO, mask).add(s).intoMemorySegment(dst, d, NO, mask);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Helpers
    // ------------------------------------------------------------------------------------------

    private static void checkDims(int n, int c, int oc) {
        if (n < 0 || c < 0 || oc < 0) {
            throw new IllegalArgumentException("negative dimension: n=" + n + " c=" + c + " oc=" + oc);
        }
    }

    private static void check(MemorySegment seg, long off, long count, String name) {
        Objects.requireNonNull(seg, name);
        if (off < 0 || (off + count) * Float.BYTES > seg.byteSize()) {
            throw new IndexOutOfBoundsException(name + ": need floats [" + off + ", " + (off + count)
                    + ") but segment holds " + seg.byteSize() / Float.BYTES);
        }
    }

    private static long ceilDiv(long x, long y) {
        return (x + y - 1) / y;
    }

    private static int roundUp(int x, int y) {
        return (x + y - 1) / y * y;
    }
}
