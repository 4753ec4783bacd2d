package org.tornadogpt.runtime.jvm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packed, register-blocked single-precision matrix products on off-heap {@link MemorySegment}s,
 * parallelized over a {@link JvmParallel} pool. See {@link Gemm} for the operations' semantics;
 * this class is the engine behind it and can be instantiated with its own pool (e.g. in tests).
 *
 * <p>All three products are mapped onto one generic update {@code C[M,N] (+)= A[M,K] * B[K,N]}
 * with strided A and B and row-major C (forward: A = inp, B = w^T; backwardInput: A = dout, B = w;
 * backwardWeight: A = dout^T, B = inp):
 * <ul>
 *   <li>B is packed, per K-slice of {@code kc} rows and column block of {@code nc}, into
 *       zero-padded strips {@code NR = vectors * VL} columns wide ({@code VL} = lanes of
 *       {@link FloatVector#SPECIES_PREFERRED}) in a per-worker {@code float[]};</li>
 *   <li>A is packed, per row block of {@code mc}, into zero-padded panels of {@code MR} rows;</li>
 *   <li>a micro-kernel ({@link Kernel}) keeps an MR x NR tile of C in vector accumulators,
 *       broadcasting one A value per row and doing one FMA per accumulator per k step, then adds the
 *       tile into C; where C is overwritten (the first K-slice of the forward product, of the
 *       input gradient and of a weight gradient or {@link #matmul} asked not to accumulate) it
 *       stores bias + tile instead, so C is never read or cleared beforehand (reading an output
 *       tile that has left the cache stalled the kernel: about 10% of a training step's samples
 *       sat there).
 *       Ragged tiles run the same kernel into a scratch tile.</li>
 * </ul>
 * Only the kernels use the Vector API; packing and bookkeeping use bulk copies and scalar code, so
 * nothing runs as (boxed, very slow) vector code in the interpreter or C1 while C2 warms up, and no
 * MemorySegment vector loads sit in hot loops (no special JVM flags are needed).
 *
 * <p>The output is cut into a grid of parts (rows x column strips) with one part per worker, the
 * cut chosen to keep packing duplication low; workers claim parts dynamically. Where A is small
 * enough ({@link #DEFAULT_SHARED_A_MAX}) and a rough cost model says it pays, the workers first pack
 * all of A together into one shared buffer and then split only the columns, several parts per
 * worker. Results do not depend on the number of threads or on either choice: each output element
 * is always summed in the same order.
 *
 * <p><b>Thread safety:</b> an engine owns per-worker packing buffers and a single reusable job
 * object; use it from one caller thread at a time. Segments must be accessible from the pool's
 * worker threads (global, automatic or shared arenas, not confined ones). The output segment must
 * be native (off-heap) or a heap segment backed by {@code byte[]} (a Vector API restriction); inputs
 * may be any segment. No allocation per call once the shared A buffer has grown to the largest
 * product's A.
 */
public final class GemmEngine implements JvmParallel.Task {

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int VL = S.length();

    /** Micro-kernel geometry: rows x vectors of the register tile. */
    public enum Kernel {
        /** 4 rows x 4 vectors = 16 accumulators. */
        K4X4(4, 4),
        /** 4 rows x 2 vectors = 8 accumulators. */
        K4X2(4, 2),
        /** 6 rows x 2 vectors = 12 accumulators. */
        K6X2(6, 2);

        final int rows;
        final int vectors;

        Kernel(int rows, int vectors) {
            this.rows = rows;
            this.vectors = vectors;
        }

        /**
         * The default for this machine ({@code -Dtornadogpt.gemm.kernel=K6X2} etc. overrides it).
         * 512-bit vectors imply AVX-512 and its 32 registers: 4x4 (16 accumulators). With 16
         * registers (AVX2) the tile is limited by C2's register allocation: by default C2 schedules
         * all six broadcasts of a k step of 6x2 before its FMAs, runs out of the 16 registers and
         * spills accumulators (half speed), so 4x2 (8 accumulators, no slack on the 4-cycle FMA
         * latency). With {@code -XX:-OptoRegScheduling} (the launcher's default) it keeps program
         * order, 6x2 fits (12 accumulators + 2 B vectors + 1 broadcast) and runs 5-10% faster.
         */
        public static Kernel auto() {
            String forced = System.getProperty("tornadogpt.gemm.kernel");
            if (forced != null) {
                try {
                    return Kernel.valueOf(forced.trim().toUpperCase(java.util.Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("-Dtornadogpt.gemm.kernel=" + forced + ": expected one of "
                            + java.util.Arrays.toString(values()));
                }
            }
            if (VL >= 16) {
                return K4X4;
            }
            return OPTO_REG_SCHEDULING ? K4X2 : K6X2;
        }
    }

    /** Whether C2's register-pressure scheduling is on (the JVM's default; see {@link Kernel#auto()}). */
    static final boolean OPTO_REG_SCHEDULING = vmFlag("OptoRegScheduling", true);

    private static boolean vmFlag(String name, boolean fallback) {
        try {
            var bean = java.lang.management.ManagementFactory.getPlatformMXBean(
                    com.sun.management.HotSpotDiagnosticMXBean.class);
            return bean == null ? fallback : Boolean.parseBoolean(bean.getVMOption(name).getValue());
        } catch (RuntimeException | LinkageError e) {
            return fallback; // not HotSpot, or no C2
        }
    }

    private static final ByteOrder NO = ByteOrder.nativeOrder();
    /** Columns transposed together by the transposing B pack (divides every tile width). */
    private static final int GROUP = 4;
    /** Split dimension per worker (elements) above which each worker gets several parts. */
    private static final long SPLIT_MORE = 4096;
    private static final int PARTS_PER_WORKER = 4;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    /** Default blocking: depth of a packed K-slice, rows per packed A block, columns per packed B block. */
    public static final int DEFAULT_KC = Integer.getInteger("tornadogpt.gemm.kc", 256);
    public static final int DEFAULT_MC = Integer.getInteger("tornadogpt.gemm.mc", 120);
    public static final int DEFAULT_NC = Integer.getInteger("tornadogpt.gemm.nc", 1024);
    /**
     * Products whose K is at most this deep run as one K-slice (with proportionally fewer rows per
     * A block), so each output tile is written once instead of once per slice: this matters when
     * the output is large (the LM head's logits, 512 x 50257, are read and written three times
     * with 256-deep slices).
     */
    public static final int DEFAULT_KC_DEEP = Integer.getInteger("tornadogpt.gemm.kcdeep", 768);
    /**
     * Largest A (floats, rows rounded up to the tile) that is packed once per product into a buffer
     * all workers read, instead of by each worker for its own part (see {@link #launch}). 4M floats
     * (16 MB) covers every product of GPT-2 124M at B*T = 1024 except the LM head's two backward
     * products, whose A is the 50257-wide logits gradient. {@code -Dtornadogpt.gemm.sharedA=N}
     * overrides it for new engines; 0 turns this off.
     */
    public static final long DEFAULT_SHARED_A_MAX = 1L << 22;

    private final JvmParallel pool;
    private final Kernel kernel;
    private final int mrT; // rows of the register tile
    private final int nrT; // columns of the register tile
    private final int kcBlock;
    private final int mcBlock;
    private final int ncBlock;
    private final int kcDeep;
    private int kcCur; // blocking of the current job
    private int mcCur;

    // per-worker workspace, preallocated
    private final float[][] packA;
    private final float[][] packB;
    private final float[][] rowBuf; // per-worker staging rows for the packing routines
    private final MemorySegment zeroRow; // nrT zeros: what a tile is added to where C is overwritten without bias
    private final MemorySegment[] scratch; // per-worker register-tile-sized scratch for ragged edges
    private long sharedAMax = sharedAMaxProperty();
    private float[] aShared = new float[0]; // A packed once for all workers; grows to the largest product's A
    private boolean sharedCur; // the current job reads aShared
    private int mPadCur; // rows of aShared, a multiple of mrT
    private final AtomicInteger nextPack = new AtomicInteger();
    private long sharedJobs; // products that ran with aShared (tests check that the path is taken)
    private final JvmParallel.Task packShared = this::packShared;

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
    private float alpha = 1f; // scales A while packing
    private int batch = 1; // independent products, operand i at offset + i * xBatch
    private long aBatch;
    private long bBatch;
    private long cBatch;
    private int m;
    private int n;
    private int k;
    private final AtomicInteger nextPart = new AtomicInteger();
    private int tm; // grid of parts
    private int tn;
    // dbias (backwardWeight): dbias[o] += sum_i dout[i * oc + o]
    private MemorySegment dbias;
    private long dbiasOff;
    private MemorySegment dout;
    private long doutOff;
    private int dbRows;
    private int dbCols;

    public GemmEngine(JvmParallel pool) {
        this(pool, Kernel.auto(), DEFAULT_KC, DEFAULT_MC, DEFAULT_NC, DEFAULT_KC_DEEP);
    }

    /** An engine with explicit blocking (mc rounded up to a multiple of mrT, nc to a multiple of nrT). */
    public GemmEngine(JvmParallel pool, Kernel kernel, int kc, int mc, int nc) {
        this(pool, kernel, kc, mc, nc, kc);
    }

    /**
     * An engine with explicit blocking; products with {@code kc < K <= kcDeep} run as a single
     * K-slice of depth K with A blocks of about {@code mc * kc / K} rows.
     */
    public GemmEngine(JvmParallel pool, Kernel kernel, int kc, int mc, int nc, int kcDeep) {
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
        this.kcDeep = Math.max(kc, kcDeep);
        int t = pool.threads();
        packA = new float[t][];
        packB = new float[t][];
        rowBuf = new float[t][];
        zeroRow = Arena.ofAuto().allocate((long) nrT * Float.BYTES, 64);
        scratch = new MemorySegment[t];
        for (int i = 0; i < t; i++) {
            packA[i] = new float[Math.max(mcBlock * kcBlock, mrT * this.kcDeep)];
            packB[i] = new float[ncBlock * this.kcDeep];
            rowBuf[i] = new float[Math.max(Math.max(mrT, GROUP) * this.kcDeep, mcBlock)];
            scratch[i] = Arena.ofAuto().allocate((long) mrT * nrT * Float.BYTES, 64);
        }
    }

    /** {@code -Dtornadogpt.gemm.sharedA} (floats, 0 or more), else {@link #DEFAULT_SHARED_A_MAX}. */
    static long sharedAMaxProperty() {
        String v = System.getProperty("tornadogpt.gemm.sharedA");
        if (v == null) {
            return DEFAULT_SHARED_A_MAX;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("-Dtornadogpt.gemm.sharedA=" + v
                + ": expected the largest A in floats to pack once for all workers, 0 or more (0 turns it off)");
    }

    /** Sets the largest A packed once for all workers (floats; 0: never), for tests and benchmarks. */
    GemmEngine sharedAMax(long floats) {
        sharedAMax = floats;
        return this;
    }

    /** Products so far whose A was packed once into the shared buffer. */
    long sharedJobs() {
        return sharedJobs;
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
        backwardInput(dinp, dinpOff, dout, doutOff, w, wOff, n, c, oc, true);
    }

    /** dinp[i, k] = (accumulate ? dinp[i, k] : 0) + sum_o dout[i, o] * w[o, k]. */
    public void backwardInput(MemorySegment dinp, long dinpOff, MemorySegment dout, long doutOff,
                              MemorySegment w, long wOff, int n, int c, int oc, boolean accumulate) {
        checkDims(n, c, oc);
        check(dinp, dinpOff, (long) n * c, "dinp");
        check(dout, doutOff, (long) n * oc, "dout");
        check(w, wOff, (long) oc * c, "w");
        if (oc == 0 && !accumulate) {
            dinp.asSlice(dinpOff * Float.BYTES, (long) n * c * Float.BYTES).fill((byte) 0);
        }
        if (n == 0 || c == 0 || oc == 0) {
            return;
        }
        setA(dout, doutOff, oc, 1);
        setB(w, wOff, c, 1);
        setC(dinp, dinpOff, c);
        this.bias = null;
        this.overwrite = !accumulate;
        launch(n, c, oc, 1.0);
    }

    /** dw[o, k] += sum_i dout[i, o] * inp[i, k]; dbias[o] += sum_i dout[i, o] (if dbias != null). */
    public void backwardWeight(MemorySegment dw, long dwOff, MemorySegment dbias, long dbiasOff,
                               MemorySegment dout, long doutOff, MemorySegment inp, long inpOff,
                               int n, int c, int oc) {
        backwardWeight(dw, dwOff, dbias, dbiasOff, dout, doutOff, inp, inpOff, n, c, oc, true);
    }

    /**
     * dw[o, k] = (accumulate ? dw[o, k] : 0) + sum_i dout[i, o] * inp[i, k]; dbias[o] += sum_i
     * dout[i, o] (if dbias != null, always accumulating).
     */
    public void backwardWeight(MemorySegment dw, long dwOff, MemorySegment dbias, long dbiasOff,
                               MemorySegment dout, long doutOff, MemorySegment inp, long inpOff,
                               int n, int c, int oc, boolean accumulate) {
        checkDims(n, c, oc);
        check(dw, dwOff, (long) oc * c, "dw");
        check(dout, doutOff, (long) n * oc, "dout");
        check(inp, inpOff, (long) n * c, "inp");
        if (dbias != null) {
            check(dbias, dbiasOff, oc, "dbias");
        }
        if (n == 0 && !accumulate) {
            dw.asSlice(dwOff * Float.BYTES, (long) oc * c * Float.BYTES).fill((byte) 0);
        }
        if (n == 0 || oc == 0) {
            return;
        }
        setA(dout, doutOff, 1, oc);
        setB(inp, inpOff, c, 1);
        setC(dw, dwOff, c);
        this.bias = null;
        this.overwrite = !accumulate;
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

    /**
     * Batched strided product: for each batch entry {@code e < batch}, i < m, j < n,
     * {@code C_e[i, j] = (accumulate ? C_e[i, j] : 0) + alpha * sum_{p<k} A_e[i, p] * B_e[p, j]} with
     * <ul>
     *   <li>{@code A_e[i, p]} at element {@code aOff + e * aBatch + i * aRow + p * aCol},</li>
     *   <li>{@code B_e[p, j]} at element {@code bOff + e * bBatch + p * bRow + j * bCol},</li>
     *   <li>{@code C_e[i, j]} at element {@code cOff + e * cBatch + i * ldc + j}.</li>
     * </ul>
     * Strides must be non-negative and the C entries must not overlap each other or the inputs.
     * Either transposition of A and B is expressed through the strides (e.g. {@code B = K^T} is
     * {@code bRow = 1, bCol = ld}). Small products are parallelized over the batch entries.
     */
    public void matmul(int batch, int m, int n, int k, float alpha,
                       MemorySegment a, long aOff, long aBatch, long aRow, long aCol,
                       MemorySegment b, long bOff, long bBatch, long bRow, long bCol,
                       MemorySegment c, long cOff, long cBatch, long ldc, boolean accumulate) {
        if (batch < 0 || m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("negative dimension: batch=" + batch + " m=" + m + " n=" + n + " k=" + k);
        }
        if (aBatch < 0 || aRow < 0 || aCol < 0 || bBatch < 0 || bRow < 0 || bCol < 0 || cBatch < 0 || ldc < 0) {
            throw new IllegalArgumentException("strides must be non-negative");
        }
        if (batch == 0 || m == 0 || n == 0) {
            return;
        }
        checkStrided(c, cOff, batch, cBatch, m, ldc, n, 1, "c");
        if (k == 0) {
            if (!accumulate) {
                for (int e = 0; e < batch; e++) {
                    for (int i = 0; i < m; i++) {
                        long row = cOff + e * cBatch + i * ldc;
                        for (int j = 0; j < n; j++) {
                            c.setAtIndex(F, row + j, 0f);
                        }
                    }
                }
            }
            return;
        }
        checkStrided(a, aOff, batch, aBatch, m, aRow, k, aCol, "a");
        checkStrided(b, bOff, batch, bBatch, k, bRow, n, bCol, "b");
        setA(a, aOff, aRow, aCol);
        setB(b, bOff, bRow, bCol);
        setC(c, cOff, ldc);
        this.bias = null;
        this.overwrite = !accumulate;
        this.alpha = alpha;
        this.batch = batch;
        this.aBatch = aBatch;
        this.bBatch = bBatch;
        this.cBatch = cBatch;
        launch(m, n, k, bRow == 1 && bCol != 1 ? 4.0 : 1.0);
    }

    private static void checkStrided(MemorySegment seg, long off, int batch, long batchStride, int rows,
                                     long rowStride, int cols, long colStride, String name) {
        Objects.requireNonNull(seg, name);
        long last = off + (batch - 1) * batchStride + (rows - 1) * rowStride + (cols - 1) * colStride;
        if (off < 0 || (last + 1) * Float.BYTES > seg.byteSize()) {
            throw new IndexOutOfBoundsException(name + ": need floats up to index " + last
                    + " but segment holds " + seg.byteSize() / Float.BYTES);
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
        if (kk > kcBlock && kk <= kcDeep) {
            // one slice; the A block keeps its size (mc x kc floats), so fewer rows
            kcCur = kk;
            mcCur = Math.max(mrT, (int) ((long) mcBlock * kcBlock / kk) / mrT * mrT);
        } else {
            kcCur = kcBlock;
            mcCur = mcBlock;
        }
        int t = (pool.threads() + batch - 1) / batch; // workers per batch entry
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
        // Alternatively the workers first pack all of A together (each element once), then split
        // the columns only: B is then packed once too, and the columns can be cut into several
        // parts per worker at no packing cost, so a worker held up by other processes leaves its
        // last parts to the others (with one part per worker, 4-6% of a product's wall time was
        // one worker waiting for the other at the end).
        long mPad = mp * mrT;
        sharedCur = false;
        if (batch == 1 && mPad * kk <= Math.min(sharedAMax, Integer.MAX_VALUE - 64)) {
            long nt = ceilDiv(ns, t) * nrT;
            double shared = (double) mPad * nt * kk / VL + (double) mPad * kk / t + packBCost * nt * kk;
            if (shared < best - 1e-9) {
                sharedCur = true;
                sharedJobs++;
                mPadCur = (int) mPad;
                if (aShared.length < mPad * kk) {
                    aShared = new float[(int) (mPad * kk)];
                }
                tm = 1;
                tn = t == 1 ? 1 : (int) Math.max(t, Math.min((long) t * PARTS_PER_WORKER, ns / 2));
                nextPack.set(0);
            }
        }
        if (t > 1 && !sharedCur) {
            // Large outputs get a few parts per worker so that a worker slowed down by other
            // processes does not hold up the call; the extra packing is negligible at that size.
            if (tn >= tm && ns * nrT / tn >= SPLIT_MORE) {
                tn *= PARTS_PER_WORKER;
            } else if (tm > tn && mp * mrT / tm >= SPLIT_MORE) {
                tm *= PARTS_PER_WORKER;
            }
        }
        nextPart.set(0);
        try {
            if (sharedCur) {
                pool.run(packShared);
            }
            pool.run(this);
        } finally {
            sharedCur = false;
            a = null;
            b = null;
            c = null;
            bias = null;
            alpha = 1f;
            batch = 1;
            aBatch = 0;
            bBatch = 0;
            cBatch = 0;
        }
    }

    @Override
    public void run(int worker, int workers) {
        // The output is cut into tm x tn fixed parts; workers claim parts in order, so a worker
        // that starts late (descheduled, slow wake-up) leaves its part to whoever is free. The
        // parts do not depend on who computes them, so results are identical either way.
        final int grid = tm * tn;
        final int parts = batch * grid;
        final long mp = ceilDiv(m, mrT);
        final long ns = ceilDiv(n, nrT);
        int part;
        while ((part = nextPart.getAndIncrement()) < parts) {
            int bi = part / grid;
            int wm = (part % grid) / tn;
            int wn = part % tn;
            int m0 = (int) Math.min(m, mp * wm / tm * mrT);
            int m1 = (int) Math.min(m, mp * (wm + 1) / tm * mrT);
            int n0 = (int) Math.min(n, ns * wn / tn * nrT);
            int n1 = (int) Math.min(n, ns * (wn + 1) / tn * nrT);
            if (m0 < m1 && n0 < n1) {
                block(worker, aOff + bi * aBatch, bOff + bi * bBatch, cOff + bi * cBatch, m0, m1, n0, n1);
            }
        }
        if (dbias != null) {
            long chunks = ceilDiv(dbCols, VL);
            int o0 = (int) Math.min(dbCols, chunks * worker / workers * VL);
            int o1 = (int) Math.min(dbCols, chunks * (worker + 1) / workers * VL);
            if (o0 < o1) {
                columnSums(dout, doutOff, dbRows, dbCols, o0, o1, dbias, dbiasOff, packA[worker], rowBuf[worker]);
            }
        }
    }

    /** Packs all of A into aShared: units of (K-slice, row block) claimed by the workers in turn. */
    private void packShared(int worker, int workers) {
        final int kcMax = kcCur;
        final int mcMax = mcCur;
        final int slices = (int) ceilDiv(k, kcMax);
        final int blocks = (int) ceilDiv(m, mcMax);
        final int units = slices * blocks;
        int u;
        while ((u = nextPack.getAndIncrement()) < units) {
            int pc = (u / blocks) * kcMax;
            int ic = (u % blocks) * mcMax;
            // slice pc starts at pc * mPad: every earlier slice is kcMax deep
            packA(worker, aShared, pc * mPadCur + ic * Math.min(kcMax, k - pc), aOff, ic,
                    Math.min(mcMax, m - ic), pc, Math.min(kcMax, k - pc));
        }
    }

    private void block(int worker, long aBase, long bBase, long cBase, int m0, int m1, int n0, int n1) {
        final boolean shared = sharedCur;
        final float[] ap = shared ? aShared : packA[worker];
        final float[] bp = packB[worker];
        final int kcMax = kcCur;
        final int mcMax = mcCur;
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
                packB(worker, bp, bBase, pc, kc, jc, nc);
                for (int ic = m0; ic < m1; ic += mcMax) {
                    int mc = Math.min(mcMax, m1 - ic);
                    final int aBlock;
                    if (shared) {
                        aBlock = pc * mPadCur + ic * kc;
                    } else {
                        aBlock = 0;
                        packA(worker, ap, 0, aBase, ic, mc, pc, kc);
                    }
                    // Where C is overwritten, the first K-slice stores bias + A*B (or 0 + A*B)
                    // without reading C: the bias row is the tile's source with row stride 0. Later
                    // slices, and accumulating products, add the tile to C.
                    final boolean set = overwrite && pc == 0;
                    for (int jr = 0; jr < nc; jr += nrt) {
                        int nr = Math.min(nrt, nc - jr);
                        int bo = (jr / nrt) * kc * nrt;
                        final MemorySegment src = set ? (bias != null ? bias : zeroRow) : cs;
                        final long so = set ? (bias != null ? (biasOff + jc + jr) * Float.BYTES : 0) : 0;
                        for (int ir = 0; ir < mc; ir += mrt) {
                            int mr = Math.min(mrt, mc - ir);
                            int ao = aBlock + (ir / mrt) * kc * mrt;
                            long co = cBase + (long) (ic + ir) * ld + jc + jr;
                            if (mr == mrt && nr == nrt) {
                                long cb = co * Float.BYTES;
                                micro(kern, ap, ao, bp, bo, kc, src, set ? so : cb, set ? 0 : ld * Float.BYTES,
                                        cs, cb, ld * Float.BYTES);
                            } else {
                                // ragged edge: the same kernel into a scratch tile (A and B are zero-padded)
                                MemorySegment t = scratch[worker];
                                micro(kern, ap, ao, bp, bo, kc, zeroRow, 0, 0, t, 0, (long) nrt * Float.BYTES);
                                if (set) {
                                    setTile(t, nrt, cs, co, ld, mr, nr, bias, biasOff + jc + jr);
                                } else {
                                    addTile(t, nrt, cs, co, ld, mr, nr);
                                }
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

    /** Packs A[ic..ic+mc, pc..pc+kc] into panels of mrT rows: ap[o + p*kc*mrT + kk*mrT + r]. */
    private void packA(int worker, float[] ap, int o, long aBase, int ic, int mc, int pc, int kc) {
        final float scale = alpha;
        final MemorySegment seg = a;
        if (acs == 1) {
            // rows are contiguous in k: bulk-copy each row to a buffer, then interleave from heap
            final float[] rows = rowBuf[worker];
            final int mrt = mrT;
            for (int ir = 0; ir < mc; ir += mrt) {
                int base = o + (ir / mrt) * kc * mrt;
                int valid = Math.min(mrt, mc - ir);
                for (int r = 0; r < mrt; r++) {
                    if (r < valid) {
                        long src = aBase + (long) (ic + ir + r) * ars + pc;
                        MemorySegment.copy(seg, F, src * Float.BYTES, rows, r * kc, kc);
                    } else {
                        java.util.Arrays.fill(rows, r * kc, (r + 1) * kc, 0f);
                    }
                }
                interleave(rows, kc, ap, base, mrt, scale);
            }
        } else if (ars == 1) {
            // columns contiguous in i (A = dout^T): bulk-copy each k's run of mc values to a buffer,
            // then spread it over the panels (one copy per k instead of one segment read per value)
            final long ld = acs;
            final float[] row = rowBuf[worker];
            final int mrt = mrT;
            for (int kk = 0; kk < kc; kk++) {
                MemorySegment.copy(seg, F, (aBase + ic + (long) (pc + kk) * ld) * Float.BYTES, row, 0, mc);
                int full = mc / mrt * mrt;
                spread(row, full, ap, o + kk * mrt, kc * mrt, mrt, scale);
                if (full < mc) {
                    int d = o + (full / mrt) * kc * mrt + kk * mrt;
                    for (int r = 0; r < mrt; r++) {
                        ap[d + r] = full + r < mc ? row[full + r] * scale : 0f;
                    }
                }
            }
        } else {
            for (int ir = 0; ir < mc; ir += mrT) {
                int base = o + (ir / mrT) * kc * mrT;
                for (int kk = 0; kk < kc; kk++) {
                    for (int r = 0; r < mrT; r++) {
                        ap[base + kk * mrT + r] = ir + r < mc
                                ? seg.getAtIndex(F, aBase + (long) (ic + ir + r) * ars + (long) (pc + kk) * acs) * scale
                                : 0f;
                    }
                }
            }
        }
    }

    /**
     * ap[d + kk * R + r] = rows[r * kc + kk] * s for r &lt; R, kk &lt; kc: R rows of kc values into one
     * panel. Unrolled for the tiles' row counts, so that every index is the loop variable times a
     * constant plus an invariant (bounds checks hoisted, no inner loop).
     */
    static void interleave(float[] rows, int kc, float[] ap, int d, int R, float s) {
        switch (R) {
            case 6 -> {
                for (int kk = 0, e = d; kk < kc; kk++, e += 6) {
                    ap[e] = rows[kk] * s;
                    ap[e + 1] = rows[kc + kk] * s;
                    ap[e + 2] = rows[2 * kc + kk] * s;
                    ap[e + 3] = rows[3 * kc + kk] * s;
                    ap[e + 4] = rows[4 * kc + kk] * s;
                    ap[e + 5] = rows[5 * kc + kk] * s;
                }
            }
            case 4 -> {
                for (int kk = 0, e = d; kk < kc; kk++, e += 4) {
                    ap[e] = rows[kk] * s;
                    ap[e + 1] = rows[kc + kk] * s;
                    ap[e + 2] = rows[2 * kc + kk] * s;
                    ap[e + 3] = rows[3 * kc + kk] * s;
                }
            }
            default -> {
                for (int kk = 0; kk < kc; kk++) {
                    for (int r = 0; r < R; r++) {
                        ap[d + kk * R + r] = rows[r * kc + kk] * s;
                    }
                }
            }
        }
    }

    /**
     * ap[d + p * stride + r] = row[p * R + r] * s for r &lt; R, p &lt; n / R: one k's values of n
     * rows (n a multiple of R) spread over consecutive panels. Unrolled like {@link #interleave}.
     */
    static void spread(float[] row, int n, float[] ap, int d, int stride, int R, float s) {
        switch (R) {
            case 6 -> {
                for (int i = 0, e = d; i < n; i += 6, e += stride) {
                    ap[e] = row[i] * s;
                    ap[e + 1] = row[i + 1] * s;
                    ap[e + 2] = row[i + 2] * s;
                    ap[e + 3] = row[i + 3] * s;
                    ap[e + 4] = row[i + 4] * s;
                    ap[e + 5] = row[i + 5] * s;
                }
            }
            case 4 -> {
                for (int i = 0, e = d; i < n; i += 4, e += stride) {
                    ap[e] = row[i] * s;
                    ap[e + 1] = row[i + 1] * s;
                    ap[e + 2] = row[i + 2] * s;
                    ap[e + 3] = row[i + 3] * s;
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    ap[d + (i / R) * stride + i % R] = row[i] * s;
                }
            }
        }
    }

    /** Packs B[pc..pc+kc, jc..jc+nc] into strips of nrT columns: bp[s*kc*nrT + kk*nrT + j]. */
    private void packB(int worker, float[] bp, long bBase, int pc, int kc, int jc, int nc) {
        final MemorySegment seg = b;
        if (bcs == 1) {
            // rows contiguous in j: bulk copies (no vector code outside the kernels: vector code
            // that runs before C2 compiles it is boxed and very slow)
            final long ld = brs;
            final int nrt = nrT;
            for (int jr = 0; jr < nc; jr += nrt) {
                int base = (jr / nrt) * kc * nrt;
                int cols = Math.min(nrt, nc - jr);
                long src = bBase + (long) pc * ld + jc + jr;
                for (int kk = 0; kk < kc; kk++) {
                    int d = base + kk * nrt;
                    MemorySegment.copy(seg, F, (src + kk * ld) * Float.BYTES, bp, d, cols);
                    if (cols < nrt) {
                        java.util.Arrays.fill(bp, d + cols, d + nrt, 0f);
                    }
                }
            }
        } else if (brs == 1) {
            // transposing pack (B stored as [n][k], e.g. nn.Linear weights): bulk-copy GROUP columns'
            // k-runs to a heap buffer, then write them GROUP floats at a time into the strip
            final long ld = bcs;
            final float[] rows = rowBuf[worker];
            final int nrt = nrT;
            for (int jr = 0; jr < nc; jr += nrt) {
                int base = (jr / nrt) * kc * nrt;
                int cols = Math.min(nrt, nc - jr);
                for (int j0 = 0; j0 < nrt; j0 += GROUP) {
                    for (int g = 0; g < GROUP; g++) {
                        int j = j0 + g;
                        if (j < cols) {
                            long src = bBase + (long) (jc + jr + j) * ld + pc;
                            MemorySegment.copy(seg, F, src * Float.BYTES, rows, g * kc, kc);
                        } else {
                            java.util.Arrays.fill(rows, g * kc, (g + 1) * kc, 0f);
                        }
                    }
                    int d = base + j0;
                    for (int kk = 0; kk < kc; kk++) {
                        int e = d + kk * nrt;
                        bp[e] = rows[kk];
                        bp[e + 1] = rows[kc + kk];
                        bp[e + 2] = rows[2 * kc + kk];
                        bp[e + 3] = rows[3 * kc + kk];
                    }
                }
            }
        } else {
            for (int jr = 0; jr < nc; jr += nrT) {
                int base = (jr / nrT) * kc * nrT;
                for (int kk = 0; kk < kc; kk++) {
                    for (int j = 0; j < nrT; j++) {
                        bp[base + kk * nrT + j] = jr + j < nc
                                ? seg.getAtIndex(F, bBase + (long) (pc + kk) * brs + (long) (jc + jr + j) * bcs)
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

    /**
     * D[tile] = S[tile] + Apanel^T * Bstrip: S and D at byte offsets {@code so} and {@code co} with row
     * strides {@code sb} and {@code rb} bytes. S is D itself to accumulate, or a bias row (or zeros)
     * with row stride 0 to overwrite D without reading it.
     */
    private static void micro(Kernel kern, float[] ap, int ao, float[] bp, int bo, int kc,
                              MemorySegment s, long so, long sb, MemorySegment c, long co, long rb) {
        switch (kern) {
            case K4X4 -> kernel4x4(ap, ao, bp, bo, kc, s, so, sb, c, co, rb);
            case K4X2 -> kernel4x2(ap, ao, bp, bo, kc, s, so, sb, c, co, rb);
            case K6X2 -> kernel6x2(ap, ao, bp, bo, kc, s, so, sb, c, co, rb);
        }
    }

    /** D[4, 4*VL] = S[4, 4*VL] + Apanel[kc, 4]^T * Bstrip[kc, 4*VL] (see micro). */
    static void kernel4x4(float[] ap, int ao, float[] bp, int bo, int kc, MemorySegment s, long so, long sb,
                          MemorySegment c, long co, long rb) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S), c03 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S), c13 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S), c23 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S), c33 = FloatVector.zero(S);
        for (int kk = 0; kk < kc; kk++) {
            final int ai = ao + (kk) * 4;
            final int bi = bo + (kk) * 4 * VL;
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
        long q = so;
        FloatVector.fromMemorySegment(S, s, q, NO).add(c00).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, s, q + vb, NO).add(c01).intoMemorySegment(c, r + vb, NO);
        FloatVector.fromMemorySegment(S, s, q + 2 * vb, NO).add(c02).intoMemorySegment(c, r + 2 * vb, NO);
        FloatVector.fromMemorySegment(S, s, q + 3 * vb, NO).add(c03).intoMemorySegment(c, r + 3 * vb, NO);
        r += rb;
        q += sb;
        FloatVector.fromMemorySegment(S, s, q, NO).add(c10).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, s, q + vb, NO).add(c11).intoMemorySegment(c, r + vb, NO);
        FloatVector.fromMemorySegment(S, s, q + 2 * vb, NO).add(c12).intoMemorySegment(c, r + 2 * vb, NO);
        FloatVector.fromMemorySegment(S, s, q + 3 * vb, NO).add(c13).intoMemorySegment(c, r + 3 * vb, NO);
        r += rb;
        q += sb;
        FloatVector.fromMemorySegment(S, s, q, NO).add(c20).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, s, q + vb, NO).add(c21).intoMemorySegment(c, r + vb, NO);
        FloatVector.fromMemorySegment(S, s, q + 2 * vb, NO).add(c22).intoMemorySegment(c, r + 2 * vb, NO);
        FloatVector.fromMemorySegment(S, s, q + 3 * vb, NO).add(c23).intoMemorySegment(c, r + 3 * vb, NO);
        r += rb;
        q += sb;
        FloatVector.fromMemorySegment(S, s, q, NO).add(c30).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, s, q + vb, NO).add(c31).intoMemorySegment(c, r + vb, NO);
        FloatVector.fromMemorySegment(S, s, q + 2 * vb, NO).add(c32).intoMemorySegment(c, r + 2 * vb, NO);
        FloatVector.fromMemorySegment(S, s, q + 3 * vb, NO).add(c33).intoMemorySegment(c, r + 3 * vb, NO);
    }


    /** D[4, 2*VL] = S[4, 2*VL] + Apanel[kc, 4]^T * Bstrip[kc, 2*VL] (see micro). */
    static void kernel4x2(float[] ap, int ao, float[] bp, int bo, int kc, MemorySegment s, long so, long sb,
                          MemorySegment c, long co, long rb) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        for (int kk = 0; kk < kc; kk++) {
            final int ai = ao + (kk) * 4;
            final int bi = bo + (kk) * 2 * VL;
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
        long q = so;
        FloatVector.fromMemorySegment(S, s, q, NO).add(c00).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, s, q + vb, NO).add(c01).intoMemorySegment(c, r + vb, NO);
        r += rb;
        q += sb;
        FloatVector.fromMemorySegment(S, s, q, NO).add(c10).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, s, q + vb, NO).add(c11).intoMemorySegment(c, r + vb, NO);
        r += rb;
        q += sb;
        FloatVector.fromMemorySegment(S, s, q, NO).add(c20).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, s, q + vb, NO).add(c21).intoMemorySegment(c, r + vb, NO);
        r += rb;
        q += sb;
        FloatVector.fromMemorySegment(S, s, q, NO).add(c30).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, s, q + vb, NO).add(c31).intoMemorySegment(c, r + vb, NO);
    }


    /**
     * D[6, 2*VL] = S[6, 2*VL] + Apanel[kc, 6]^T * Bstrip[kc, 2*VL] (see micro); needs
     * -XX:-OptoRegScheduling to keep its accumulators in registers.
     */
    static void kernel6x2(float[] ap, int ao, float[] bp, int bo, int kc, MemorySegment s, long so, long sb,
                          MemorySegment c, long co, long rb) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        for (int kk = 0; kk < kc; kk++) {
            final int ai = ao + (kk) * 6;
            final int bi = bo + (kk) * 2 * VL;
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
        long q = so;
        FloatVector.fromMemorySegment(S, s, q, NO).add(c00).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, s, q + vb, NO).add(c01).intoMemorySegment(c, r + vb, NO);
        r += rb;
        q += sb;
        FloatVector.fromMemorySegment(S, s, q, NO).add(c10).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, s, q + vb, NO).add(c11).intoMemorySegment(c, r + vb, NO);
        r += rb;
        q += sb;
        FloatVector.fromMemorySegment(S, s, q, NO).add(c20).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, s, q + vb, NO).add(c21).intoMemorySegment(c, r + vb, NO);
        r += rb;
        q += sb;
        FloatVector.fromMemorySegment(S, s, q, NO).add(c30).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, s, q + vb, NO).add(c31).intoMemorySegment(c, r + vb, NO);
        r += rb;
        q += sb;
        FloatVector.fromMemorySegment(S, s, q, NO).add(c40).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, s, q + vb, NO).add(c41).intoMemorySegment(c, r + vb, NO);
        r += rb;
        q += sb;
        FloatVector.fromMemorySegment(S, s, q, NO).add(c50).intoMemorySegment(c, r, NO);
        FloatVector.fromMemorySegment(S, s, q + vb, NO).add(c51).intoMemorySegment(c, r + vb, NO);
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

    /** C[r, j] = bias[bo + j] (0 when bias is null) + tile[r * cols + j] for r < mr, j < nr (C at element offset co). */
    private static void setTile(MemorySegment tile, int cols, MemorySegment c, long co, long ldc, int mr, int nr,
                                MemorySegment bias, long bo) {
        for (int r = 0; r < mr; r++) {
            long row = co + r * ldc;
            long t = (long) r * cols;
            for (int j = 0; j < nr; j++) {
                float v = bias == null ? 0f : bias.getAtIndex(F, bo + j);
                c.setAtIndex(F, row + j, v + tile.getAtIndex(F, t + j));
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // Column sums for dbias
    // ------------------------------------------------------------------------------------------

    /**
     * dst[o] += sum_i src[i * cols + o] for o in [o0, o1), summing rows in order (so the result does
     * not depend on the split). Columns are done in chunks of {@code sums.length}.
     */
    static void columnSums(MemorySegment src, long srcOff, int rows, int cols, int o0, int o1,
                           MemorySegment dst, long dstOff, float[] sums, float[] stage) {
        final int chunk = Math.min(sums.length, stage.length);
        for (int o = o0; o < o1; o += chunk) {
            int len = Math.min(chunk, o1 - o);
            java.util.Arrays.fill(sums, 0, len, 0f);
            for (int i = 0; i < rows; i++) {
                MemorySegment.copy(src, F, (srcOff + (long) i * cols + o) * Float.BYTES, stage, 0, len);
                for (int j = 0; j < len; j++) {
                    sums[j] += stage[j];
                }
            }
            for (int j = 0; j < len; j++) {
                long at = dstOff + o + j;
                dst.setAtIndex(F, at, dst.getAtIndex(F, at) + sums[j]);
            }
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
