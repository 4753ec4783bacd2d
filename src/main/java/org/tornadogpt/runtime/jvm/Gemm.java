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
 * buffers: call them from one thread at a time. Segments must be accessible from the pool's threads
 * (global, automatic or shared arenas) and native (or heap segments backed by {@code byte[]}).
 *
 * <p>JVM flags: run with {@code --add-modules jdk.incubator.vector}.
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
}
