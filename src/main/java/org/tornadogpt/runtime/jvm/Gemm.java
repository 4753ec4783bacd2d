package org.tornadogpt.runtime.jvm;

import java.lang.foreign.MemorySegment;

/**
 * Fast float32 matrix products for the plain-JVM runtime, on off-heap {@link MemorySegment}s.
 *
 * <p>All offsets are element (float) offsets; float index {@code i} lives at byte {@code 4 * i}.
 * All matrices are row-major and dense:
 * <ul>
 *   <li>{@code inp [n, c]}, {@code w [oc, c]} (the nn.Linear / llm.c layout), {@code out [n, oc]},
 *       {@code bias [oc]};</li>
 *   <li>backward: {@code dout [n, oc]}, {@code dinp [n, c]}, {@code dw [oc, c]}, {@code dbias [oc]}.</li>
 * </ul>
 * The work is split over the shared {@link JvmParallel#common()} pool (size: system property
 * {@code tornadogpt.threads}, else the number of available processors; see {@link #configure(int)}).
 * Results are bitwise identical for any number of threads.
 *
 * <p><b>Thread safety:</b> the static methods share one engine with preallocated per-thread packing
 * buffers: call them from one thread at a time (not concurrently, not from inside a
 * {@link JvmParallel} task). Segments must be accessible from the pool's threads (global, automatic
 * or shared arenas, not confined ones); output segments must be native (or heap segments backed by
 * {@code byte[]}). Steady-state calls allocate nothing.
 *
 * <p>JVM flags: {@code --add-modules jdk.incubator.vector}; nothing else is needed (in particular
 * not {@code -XX:LoopUnrollLimit=0}, which costs the packing code a few percent).
 */
public final class Gemm {

    private static volatile GemmEngine engine;

    private Gemm() {
    }

    /** The engine used by the static methods (bound to the current common pool). */
    public static GemmEngine engine() {
        GemmEngine e = engine;
        JvmParallel pool = JvmParallel.common();
        if (e == null || e.pool() != pool) {
            synchronized (Gemm.class) {
                e = engine;
                if (e == null || e.pool() != pool) {
                    e = new GemmEngine(pool);
                    engine = e;
                }
            }
        }
        return e;
    }

    /** Sets the number of worker threads (including the caller) used by the static methods. */
    public static synchronized void configure(int threads) {
        JvmParallel.configure(threads);
        engine();
    }

    /**
     * {@code out[i, o] = bias[o] + sum_k inp[i, k] * w[o, k]} for i < n, o < oc, k < c.
     * Overwrites {@code out}; {@code bias == null} means no bias.
     */
    public static void forward(MemorySegment out, long outOff, MemorySegment inp, long inpOff,
                               MemorySegment w, long wOff, MemorySegment bias, long biasOff,
                               int n, int c, int oc) {
        engine().forward(out, outOff, inp, inpOff, w, wOff, bias, biasOff, n, c, oc);
    }

    /** {@code dinp[i, k] += sum_o dout[i, o] * w[o, k]} (accumulates into {@code dinp}). */
    public static void backwardInput(MemorySegment dinp, long dinpOff, MemorySegment dout, long doutOff,
                                     MemorySegment w, long wOff, int n, int c, int oc) {
        engine().backwardInput(dinp, dinpOff, dout, doutOff, w, wOff, n, c, oc);
    }

    /**
     * {@code dw[o, k] += sum_i dout[i, o] * inp[i, k]} and, if {@code dbias != null},
     * {@code dbias[o] += sum_i dout[i, o]} (both accumulate).
     */
    public static void backwardWeight(MemorySegment dw, long dwOff, MemorySegment dbias, long dbiasOff,
                                      MemorySegment dout, long doutOff, MemorySegment inp, long inpOff,
                                      int n, int c, int oc) {
        engine().backwardWeight(dw, dwOff, dbias, dbiasOff, dout, doutOff, inp, inpOff, n, c, oc);
    }

    /**
     * Batched strided product {@code C_e = (accumulate ? C_e : 0) + alpha * A_e B_e}; see
     * {@link GemmEngine#matmul}. For example, causal self-attention over a {@code qkv [B, T, 3C]}
     * buffer with {@code NH} heads of size {@code hs} (C = NH * hs), for each b < B:
     * <pre>
     * long q = b * T * 3C;  // q at +0, k at +C, v at +2C, head h at + h * hs
     * // scores att[b, h, t, t2] = q[t] . k[t2] / sqrt(hs)
     * Gemm.matmul(NH, T, T, hs, 1 / sqrt(hs), qkv, q, hs, 3C, 1, qkv, q + C, hs, 1, 3C,
     *             att, b * NH * T * T, T * T, T, false);
     * // (mask + softmax over t2 in place)
     * // y[b, t, h, :] = sum_t2 att[b, h, t, t2] * v[t2, h, :]
     * Gemm.matmul(NH, T, hs, T, 1, att, b * NH * T * T, T * T, T, 1, qkv, q + 2C, hs, 3C, 1,
     *             y, b * T * C, hs, C, false);
     * </pre>
     */
    public static void matmul(int batch, int m, int n, int k, float alpha,
                              MemorySegment a, long aOff, long aBatch, long aRow, long aCol,
                              MemorySegment b, long bOff, long bBatch, long bRow, long bCol,
                              MemorySegment c, long cOff, long cBatch, long ldc, boolean accumulate) {
        engine().matmul(batch, m, n, k, alpha, a, aOff, aBatch, aRow, aCol, b, bOff, bBatch, bRow, bCol,
                c, cOff, cBatch, ldc, accumulate);
    }
}
