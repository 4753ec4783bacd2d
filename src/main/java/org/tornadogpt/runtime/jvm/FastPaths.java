package org.tornadogpt.runtime.jvm;

import java.lang.foreign.MemorySegment;

import org.tornadogpt.graphs.Kernels;
import org.tornadogpt.graphs.Launch;
import org.tornadogpt.kernels.StepSlots;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * JVM fast paths: Vector API implementations of the portable kernels, bound to a launch's
 * arguments. {@link #of} recognises a launch by its kernel object ({@link Kernels}, by identity)
 * and returns a {@link Launch.FastPath} that computes the same function on the same buffers, or
 * null when the kernel has none or the launch is not in the form the fast path expects (then the
 * portable kernel runs). Everything runs on one {@link JvmParallel} pool: the GEMM engine's and the
 * fast paths' parallel loops use the same threads, one launch at a time.
 *
 * <p>Recognised: the matrix products (forward: packed GEMM, a matrix-vector product for up to
 * {@link #GEMV_ROWS} rows, a four-by-four dot-product kernel for up to {@link #FEW_ROWS}; input,
 * weight and bias gradients), attention forward and both backward
 * parts, softmax + cross-entropy and its backward, layer norm forward
 * and both backward parts, GELU forward and backward, residual additions and dropout, the
 * embedding and its two gradients, gradient zeroing, the gradient-norm partial sums and AdamW.
 * Per-step values (dropout step and rate, AdamW hyper-parameters, clip factor) are read from
 * their arrays when the fast path runs, like the kernels do.
 *
 * <p>Binding allocates (closures, scratch); running allocates nothing. One caller at a time.
 */
public final class FastPaths {
    /** Forward products with at most this many rows use the matrix-vector kernel (decode). */
    static final int GEMV_ROWS = 4;
    /**
     * Forward products with more rows, up to this many, use the four-by-four kernel of
     * {@code VectorKernels.fewRows} (a prompt's prefill) instead of the packed GEMM, which packs
     * all of B for them: at 16 rows on 2 threads 95-200 against 56-87 GFLOP/s, at 32 rows 161
     * against 139, at 64 rows the GEMM is ahead (docs/benchmarks.md, session 9). The kernel keeps
     * 24 vectors in registers, so it is used only where there are 32 of them (AVX-512).
     */
    static final int FEW_ROWS = VectorKernels.L >= 16 ? 32 : GEMV_ROWS;

    private final JvmParallel pool;
    private final GemmEngine gemm;
    private final AttentionFast[] attention;
    private final float[][] scratch; // per worker, VectorKernels.BLOCK floats

    public FastPaths(JvmParallel pool) {
        this.pool = pool;
        this.gemm = new GemmEngine(pool);
        this.attention = new AttentionFast[pool.threads()];
        for (int i = 0; i < attention.length; i++) attention[i] = new AttentionFast();
        this.scratch = new float[pool.threads()][VectorKernels.BLOCK];
    }

    public JvmParallel pool() {
        return pool;
    }

    /**
     * A loop over [0, n) cut into chunks that the pool's workers claim in turn; chunk bounds are
     * multiples of {@code align} (but the last). {@link #prepare} runs first, on the caller.
     */
    private abstract class Ranged implements Launch.FastPath, JvmParallel.Chunks {
        private final int size;
        private final int chunks;
        private final int align;

        Ranged(int n, int grain, int align) {
            this.size = n;
            this.align = Math.max(1, align);
            long byGrain = (n + (long) grain - 1) / Math.max(1, grain);
            this.chunks = (int) Math.max(1, Math.min(byGrain, pool.threads() == 1 ? 1 : pool.threads() * 4L));
        }

        void prepare() {}

        abstract void range(int from, int to, int worker);

        private int bound(int k) {
            if (k >= chunks) return size;
            long b = (long) size * k / chunks;
            return (int) (b / align * align);
        }

        @Override
        public final void run() {
            prepare();
            if (size <= 0) return;
            if (chunks == 1) {
                range(0, size, 0);
                return;
            }
            pool.run(chunks, this);
        }

        @Override
        public final void run(int chunk, int worker) {
            int from = bound(chunk), to = bound(chunk + 1);
            if (from < to) range(from, to, worker);
        }
    }

    /** Per-step dropout values read from the state array when the launch runs. */
    private abstract class Dropped extends Ranged {
        final IntArray state;
        final int site;
        int key, threshold;
        float scale;

        Dropped(int n, int grain, int align, IntArray state, int site) {
            super(n, grain, align);
            this.state = state;
            this.site = site;
        }

        @Override
        void prepare() {
            threshold = state.get(StepSlots.DROP_THRESHOLD);
            key = VectorKernels.dropoutKey(site, state.get(StepSlots.STEP), state.get(StepSlots.SEED_LO), state.get(StepSlots.SEED_HI));
            scale = threshold == 0 ? 1f : 16777216f / (16777216 - threshold);
        }
    }

    private static MemorySegment seg(Object a) {
        return a instanceof FloatArray f ? f.getSegment() : ((IntArray) a).getSegment();
    }

    private static int i(Object a) {
        return (Integer) a;
    }

    private static final int ELEMENTS = 1 << 14; // grain of elementwise loops
    private static final int L = VectorKernels.L;

    /** The fast path of a launch, or null (see the class comment). */
    public Launch.FastPath of(Launch l) {
        Object t = l.task();
        Object[] a = l.args();
        if (i(a[0]) != 0) return null;
        int count = i(a[1]);
        if (t == Kernels.MATMUL_FORWARD) return matmulForward(count, a);
        if (t == Kernels.MATMUL_BACKWARD_INPUT) return matmulBackwardInput(count, a);
        if (t == Kernels.MATMUL_BACKWARD_WEIGHT) return matmulBackwardWeight(count, a, true);
        if (t == Kernels.MATMUL_BACKWARD_WEIGHT_SET) return matmulBackwardWeight(count, a, false);
        if (t == Kernels.MATMUL_BACKWARD_BIAS) return matmulBackwardBias(count, a);
        if (t == Kernels.ATTENTION_FORWARD) return attention(count, a, 0);
        if (t == Kernels.ATTENTION_BACKWARD_QUERY) return attention(count, a, 1);
        if (t == Kernels.ATTENTION_BACKWARD_KEY) return attention(count, a, 2);
        if (t == Kernels.CROSS_ENTROPY_FORWARD) return crossEntropyForward(count, a);
        if (t == Kernels.CROSS_ENTROPY_BACKWARD) return crossEntropyBackward(count, a);
        if (t == Kernels.LAYER_NORM_FORWARD) return layerNormForward(count, a);
        if (t == Kernels.LAYER_NORM_BACKWARD_INPUT) return layerNormBackwardInput(count, a);
        if (t == Kernels.LAYER_NORM_BACKWARD_PARAMS) return layerNormBackwardParams(count, a);
        if (t == Kernels.GELU_FORWARD) return gelu(count, a, true);
        if (t == Kernels.GELU_BACKWARD) return gelu(count, a, false);
        if (t == Kernels.RESIDUAL_FORWARD) return residual(count, a, false);
        if (t == Kernels.RESIDUAL_FORWARD_DROPOUT) return residual(count, a, true);
        if (t == Kernels.RESIDUAL_ACCUMULATE) return residualAccumulate(count, a);
        if (t == Kernels.RESIDUAL_BACKWARD) return residualBackward(count, a);
        if (t == Kernels.DROPOUT_FORWARD || t == Kernels.DROPOUT_BACKWARD) return dropout(count, a);
        if (t == Kernels.ENCODER_FORWARD) return encoderForward(count, a);
        if (t == Kernels.ENCODER_BACKWARD_WTE) return encoderBackwardWte(count, a);
        if (t == Kernels.ENCODER_BACKWARD_WPE) return encoderBackwardWpe(count, a);
        if (t == Kernels.GRADIENT_ZERO) return zero(count, a);
        if (t == Kernels.GRADIENT_ZERO_RUNS) return zeroRuns(count, a);
        if (t == Kernels.GRADIENT_NORM_PARTIALS) return normPartials(count, a);
        if (t == Kernels.ADAMW_UPDATE) return adamw(count, a);
        if (t == Kernels.DECODE_ATTENTION_SCORES) return decodeScores(count, a);
        if (t == Kernels.DECODE_ATTENTION_SOFTMAX) return decodeSoftmax(count, a);
        if (t == Kernels.DECODE_ATTENTION_VALUES) return decodeValues(count, a);
        if (t == Kernels.DECODE_STORE_KV) return decodeStoreKv(count, a);
        if (t == Kernels.DECODE_EMBED) return decodeEmbed(count, a);
        return null;
    }

    /** Floating-point operations of a matrix-product launch (2 per multiply-add), 0 for other kernels. */
    public static double matmulFlops(Launch l) {
        Object t = l.task();
        Object[] a = l.args();
        double count = i(a[1]);
        if (t == Kernels.MATMUL_FORWARD) return 2 * count * i(a[9]);         // N*OC outputs, C deep
        if (t == Kernels.MATMUL_BACKWARD_INPUT) return 2 * count * i(a[9]);  // N*C outputs, OC deep
        if (t == Kernels.MATMUL_BACKWARD_WEIGHT || t == Kernels.MATMUL_BACKWARD_WEIGHT_SET) return 2 * count * i(a[8]); // OC*C outputs, N deep
        return 0;
    }

    // ------------------------------------------------------------------------------------------
    // matrix products
    // ------------------------------------------------------------------------------------------

    // (first, count = N*OC, out, outOff, inp, inpOff, params, wOff, bOff, C, OC)
    private Launch.FastPath matmulForward(int count, Object[] a) {
        MemorySegment out = seg(a[2]), inp = seg(a[4]), p = seg(a[6]);
        int outOff = i(a[3]), inpOff = i(a[5]), wOff = i(a[7]), bOff = i(a[8]), C = i(a[9]), OC = i(a[10]);
        if (OC <= 0 || count % OC != 0) return null;
        int n = count / OC;
        MemorySegment bias = bOff >= 0 ? p : null;
        long bo = Math.max(0, bOff);
        if (n <= FEW_ROWS) {
            // chunks that start at multiples of 8 (so the rows left over from gemv's eight runs
            // are the last OC % 8 on any number of threads), small enough that the 768-row
            // products still make four chunks per worker: with 256-row chunks they made three, so
            // one of two workers read twice what the other did
            boolean one = n <= GEMV_ROWS;
            return new Ranged(OC, 64, 8) {
                @Override
                void range(int from, int to, int worker) {
                    if (one) VectorKernels.gemv(out, outOff, inp, inpOff, p, wOff, bias, bo, n, C, OC, from, to, scratch[worker]);
                    else VectorKernels.fewRows(out, outOff, inp, inpOff, p, wOff, bias, bo, n, C, OC, from, to, scratch[worker]);
                }
            };
        }
        return () -> gemm.forward(out, outOff, inp, inpOff, p, wOff, bias, bo, n, C, OC);
    }

    // (first, count = N*C, dinp, dinpOff, dout, doutOff, params, wOff, C, OC); writes (=) dinp
    private Launch.FastPath matmulBackwardInput(int count, Object[] a) {
        MemorySegment dinp = seg(a[2]), dout = seg(a[4]), p = seg(a[6]);
        int dinpOff = i(a[3]), doutOff = i(a[5]), wOff = i(a[7]), C = i(a[8]), OC = i(a[9]);
        if (C <= 0 || count % C != 0) return null;
        int n = count / C;
        return () -> gemm.backwardInput(dinp, dinpOff, dout, doutOff, p, wOff, n, C, OC, false);
    }

    // (first, count = OC*C, grads, wOff, dout, doutOff, inp, inpOff, N, C, OC); accumulates (or overwrites)
    private Launch.FastPath matmulBackwardWeight(int count, Object[] a, boolean accumulate) {
        MemorySegment g = seg(a[2]), dout = seg(a[4]), inp = seg(a[6]);
        int wOff = i(a[3]), doutOff = i(a[5]), inpOff = i(a[7]), N = i(a[8]), C = i(a[9]), OC = i(a[10]);
        if ((long) OC * C != count) return null;
        return () -> gemm.backwardWeight(g, wOff, null, 0, dout, doutOff, inp, inpOff, N, C, OC, accumulate);
    }

    // (first, count = OC, grads, bOff, dout, doutOff, N, OC); accumulates
    private Launch.FastPath matmulBackwardBias(int count, Object[] a) {
        MemorySegment g = seg(a[2]), dout = seg(a[4]);
        int bOff = i(a[3]), doutOff = i(a[5]), N = i(a[6]), OC = i(a[7]);
        if (count != OC) return null;
        return new Ranged(OC, 4 * L, L) {
            @Override
            void range(int from, int to, int worker) {
                VectorKernels.columnSums(g, bOff, dout, doutOff, N, OC, from, to);
            }
        };
    }

    // ------------------------------------------------------------------------------------------
    // attention: one task per (b, h)
    // ------------------------------------------------------------------------------------------

    /**
     * kind 0: forward (first, count = B*NH*T, out, outOff, att, attOff, qkv, qkvOff, state, site, T, C, NH);
     * 1/2: backwardQuery/backwardKey (first, count, dqkv, dpreatt, att, attOff, dout, qkv, qkvOff,
     * state, site, T, C, NH). Dropout (threshold 0: none) is read from state when the launch runs.
     */
    private Launch.FastPath attention(int count, Object[] a, int kind) {
        int k = a.length;
        int T = i(a[k - 3]), C = i(a[k - 2]), NH = i(a[k - 1]);
        if (T <= 0 || NH <= 0 || C % NH != 0 || count % T != 0 || (count / T) % NH != 0) return null;
        int bnh = count / T;
        for (AttentionFast f : attention) f.ensure(T, C / NH);
        IntArray state = (IntArray) a[k - 5];
        int site = i(a[k - 4]);
        if (kind == 0) {
            MemorySegment out = seg(a[2]), att = seg(a[4]), qkv = seg(a[6]);
            long outOff = i(a[3]), attOff = i(a[5]), qkvOff = i(a[7]);
            return new Dropped(bnh, 1, 1, state, site) {
                @Override
                void range(int from, int to, int worker) {
                    for (int bh = from; bh < to; bh++)
                        attention[worker].forward(out, outOff, att, attOff, qkv, qkvOff, bh / NH, bh % NH, T, C, NH, key, threshold, scale);
                }
            };
        }
        MemorySegment dqkv = seg(a[2]), dpre = seg(a[3]), att = seg(a[4]), dout = seg(a[6]), qkv = seg(a[7]);
        long attOff = i(a[5]), qkvOff = i(a[8]);
        boolean query = kind == 1;
        return new Dropped(bnh, 1, 1, state, site) {
            @Override
            void range(int from, int to, int worker) {
                for (int bh = from; bh < to; bh++) {
                    if (query)
                        attention[worker].backwardQuery(dqkv, dpre, att, attOff, dout, qkv, qkvOff, bh / NH, bh % NH, T, C, NH, key, threshold, scale);
                    else
                        attention[worker].backwardKey(dqkv, dpre, att, attOff, dout, qkv, qkvOff, bh / NH, bh % NH, T, C, NH, key, threshold, scale);
                }
            }
        };
    }

    // ------------------------------------------------------------------------------------------
    // softmax + cross-entropy
    // ------------------------------------------------------------------------------------------

    // (first, count = N, probs, losses, logits, targets, V)
    private Launch.FastPath crossEntropyForward(int count, Object[] a) {
        MemorySegment probs = seg(a[2]), losses = seg(a[3]), logits = seg(a[4]), targets = seg(a[5]);
        int V = i(a[6]);
        return new Ranged(count, 1, 1) {
            @Override
            void range(int from, int to, int worker) {
                VectorKernels.crossEntropyForward(probs, losses, logits, targets, V, from, to, scratch[worker]);
            }
        };
    }

    // (first, count = N*V, dlogits, probs, targets, V, N)
    private Launch.FastPath crossEntropyBackward(int count, Object[] a) {
        MemorySegment d = seg(a[2]), probs = seg(a[3]), targets = seg(a[4]);
        int V = i(a[5]), N = i(a[6]);
        if (V <= 0 || count % V != 0) return null;
        return new Ranged(count / V, 1, 1) {
            @Override
            void range(int from, int to, int worker) {
                VectorKernels.crossEntropyBackward(d, probs, targets, V, N, from, to);
            }
        };
    }

    // ------------------------------------------------------------------------------------------
    // layer norm
    // ------------------------------------------------------------------------------------------

    // (first, count = N, out, outOff, mean, rstd, statOff, inp, inpOff, params, wOff, bOff, C)
    private Launch.FastPath layerNormForward(int count, Object[] a) {
        MemorySegment out = seg(a[2]), mean = seg(a[4]), rstd = seg(a[5]), inp = seg(a[7]), p = seg(a[9]);
        int outOff = i(a[3]), statOff = i(a[6]), inpOff = i(a[8]), wOff = i(a[10]), bOff = i(a[11]), C = i(a[12]);
        return new Ranged(count, Math.max(1, 8192 / Math.max(1, C)), 1) {
            @Override
            void range(int from, int to, int worker) {
                VectorKernels.layerNormForward(out, outOff, mean, rstd, statOff, inp, inpOff, p, wOff, bOff, C, from, to);
            }
        };
    }

    // (first, count = N, dinp, dinpOff, dout, doutOff, mean, rstd, statOff, inp, inpOff, params, wOff, C)
    private Launch.FastPath layerNormBackwardInput(int count, Object[] a) {
        MemorySegment dinp = seg(a[2]), dout = seg(a[4]), mean = seg(a[6]), rstd = seg(a[7]), inp = seg(a[9]), p = seg(a[11]);
        int dinpOff = i(a[3]), doutOff = i(a[5]), statOff = i(a[8]), inpOff = i(a[10]), wOff = i(a[12]), C = i(a[13]);
        return new Ranged(count, Math.max(1, 8192 / Math.max(1, C)), 1) {
            @Override
            void range(int from, int to, int worker) {
                VectorKernels.layerNormBackwardInput(dinp, dinpOff, dout, doutOff, mean, rstd, statOff, inp, inpOff, p, wOff, C, from, to);
            }
        };
    }

    // (first, count = C, grads, wOff, bOff, dout, doutOff, mean, rstd, statOff, inp, inpOff, N, C)
    private Launch.FastPath layerNormBackwardParams(int count, Object[] a) {
        MemorySegment g = seg(a[2]), dout = seg(a[5]), mean = seg(a[7]), rstd = seg(a[8]), inp = seg(a[10]);
        int wOff = i(a[3]), bOff = i(a[4]), doutOff = i(a[6]), statOff = i(a[9]), inpOff = i(a[11]), N = i(a[12]), C = i(a[13]);
        if (count != C) return null;
        return new Ranged(C, 4 * L, 2 * L) {
            @Override
            void range(int from, int to, int worker) {
                VectorKernels.layerNormBackwardParams(g, wOff, bOff, dout, doutOff, mean, rstd, statOff, inp, inpOff, N, C, from, to);
            }
        };
    }

    // ------------------------------------------------------------------------------------------
    // elementwise
    // ------------------------------------------------------------------------------------------

    // forward (first, count, out, outOff, inp, inpOff); backward (first, count, d, dOff, inp, inpOff)
    private Launch.FastPath gelu(int count, Object[] a, boolean forward) {
        MemorySegment x = seg(a[2]), inp = seg(a[4]);
        int xOff = i(a[3]), inpOff = i(a[5]);
        return new Ranged(count, ELEMENTS, L) {
            @Override
            void range(int from, int to, int worker) {
                if (forward) VectorKernels.geluForward(x, xOff + (long) from, inp, inpOff + (long) from, to - from, scratch[worker]);
                else VectorKernels.geluBackward(x, xOff + (long) from, inp, inpOff + (long) from, to - from, scratch[worker]);
            }
        };
    }

    // (first, count, out, outOff, a, aOff, b, bOff[, state, site])
    private Launch.FastPath residual(int count, Object[] a, boolean dropout) {
        MemorySegment out = seg(a[2]), x = seg(a[4]), y = seg(a[6]);
        long outOff = i(a[3]), xOff = i(a[5]), yOff = i(a[7]);
        if (!dropout) {
            return new Ranged(count, ELEMENTS, L) {
                @Override
                void range(int from, int to, int worker) {
                    VectorKernels.residual(out, outOff + from, x, xOff + from, y, yOff + from, from, to - from, 0, 0, 1f, scratch[worker]);
                }
            };
        }
        return new Dropped(count, ELEMENTS, L, (IntArray) a[8], i(a[9])) {
            @Override
            void range(int from, int to, int worker) {
                VectorKernels.residual(out, outOff + from, x, xOff + from, y, yOff + from, from, to - from, key, threshold, scale, scratch[worker]);
            }
        };
    }

    // (first, count, x, xOff, b, bOff): x += b, in place
    private Launch.FastPath residualAccumulate(int count, Object[] a) {
        MemorySegment x = seg(a[2]), y = seg(a[4]);
        long xOff = i(a[3]), yOff = i(a[5]);
        return new Ranged(count, ELEMENTS, L) {
            @Override
            void range(int from, int to, int worker) {
                VectorKernels.residual(x, xOff + from, x, xOff + from, y, yOff + from, from, to - from, 0, 0, 1f, scratch[worker]);
            }
        };
    }

    // (first, count, dBranch, dOut, state, site)
    private Launch.FastPath residualBackward(int count, Object[] a) {
        MemorySegment db = seg(a[2]), dout = seg(a[3]);
        return new Dropped(count, ELEMENTS, L, (IntArray) a[4], i(a[5])) {
            @Override
            void range(int from, int to, int worker) {
                VectorKernels.scaledCopy(db, from, dout, from, from, to - from, key, threshold, scale, scratch[worker]);
            }
        };
    }

    // (first, count, x, xOff, state, site): in place; nothing to do when dropout is off (scale 1)
    private Launch.FastPath dropout(int count, Object[] a) {
        MemorySegment x = seg(a[2]);
        long xOff = i(a[3]);
        return new Dropped(count, ELEMENTS, L, (IntArray) a[4], i(a[5])) {
            @Override
            void range(int from, int to, int worker) {
                if (threshold != 0) VectorKernels.scaledCopy(x, xOff + from, x, xOff + from, from, to - from, key, threshold, scale, scratch[worker]);
            }
        };
    }

    // ------------------------------------------------------------------------------------------
    // embedding
    // ------------------------------------------------------------------------------------------

    // (first, count = B*T*C, out, tokens, params, wteOff, wpeOff, T, C)
    private Launch.FastPath encoderForward(int count, Object[] a) {
        MemorySegment out = seg(a[2]), tokens = seg(a[3]), p = seg(a[4]);
        int wteOff = i(a[5]), wpeOff = i(a[6]), T = i(a[7]), C = i(a[8]);
        if (C <= 0 || count % C != 0) return null;
        return new Ranged(count / C, Math.max(1, 8192 / C), 1) {
            @Override
            void range(int from, int to, int worker) {
                for (int bt = from; bt < to; bt++) {
                    int tok = tokens.getAtIndex(VectorKernels.I, bt);
                    VectorKernels.add(out, (long) bt * C, p, wteOff + (long) tok * C, p, wpeOff + (long) (bt % T) * C, C);
                }
            }
        };
    }

    // (first, count = C, grads, wteOff, dout, tokens, BT, C): channels split, positions in order
    private Launch.FastPath encoderBackwardWte(int count, Object[] a) {
        MemorySegment g = seg(a[2]), dout = seg(a[4]), tokens = seg(a[5]);
        int wteOff = i(a[3]), BT = i(a[6]), C = i(a[7]);
        if (count != C) return null;
        return new Ranged(C, 4 * L, L) {
            @Override
            void range(int from, int to, int worker) {
                for (int bt = 0; bt < BT; bt++) {
                    int tok = tokens.getAtIndex(VectorKernels.I, bt);
                    VectorKernels.addInto(g, wteOff + (long) tok * C + from, dout, (long) bt * C + from, to - from);
                }
            }
        };
    }

    // (first, count = T*C, grads, wpeOff, dout, B, T, C)
    private Launch.FastPath encoderBackwardWpe(int count, Object[] a) {
        MemorySegment g = seg(a[2]), dout = seg(a[4]);
        int wpeOff = i(a[3]), B = i(a[5]), T = i(a[6]), C = i(a[7]);
        long tc = (long) T * C;
        return new Ranged(count, ELEMENTS, L) {
            @Override
            void range(int from, int to, int worker) {
                VectorKernels.sumRowsInto(g, wpeOff + (long) from, dout, from, tc, B, to - from);
            }
        };
    }

    // ------------------------------------------------------------------------------------------
    // optimizer
    // ------------------------------------------------------------------------------------------

    // (first, count, g, off): memset of slices made once (slicing allocates)
    private Launch.FastPath zero(int count, Object[] a) {
        MemorySegment g = seg(a[2]);
        long off = i(a[3]);
        int chunks = (int) Math.max(1, Math.min((count + (1L << 20) - 1) >> 20, pool.threads() * 4L));
        MemorySegment[] slices = new MemorySegment[chunks];
        for (int k = 0; k < chunks; k++) {
            long from = (long) count * k / chunks, to = (long) count * (k + 1) / chunks;
            slices[k] = g.asSlice((off + from) * Float.BYTES, (to - from) * Float.BYTES);
        }
        JvmParallel.Chunks fill = (k, worker) -> slices[k].fill((byte) 0);
        return () -> pool.run(chunks, fill);
    }

    // (first, count = sum of the lengths, g, runs, nRuns): one memset per run, on slices made once;
    // the runs are fixed when the program is built, so they are read here
    private Launch.FastPath zeroRuns(int count, Object[] a) {
        MemorySegment g = seg(a[2]);
        IntArray runs = (IntArray) a[3];
        int n = i(a[4]);
        long total = 0;
        MemorySegment[] slices = new MemorySegment[n];
        for (int r = 0; r < n; r++) {
            slices[r] = g.asSlice((long) runs.get(2 * r) * Float.BYTES, (long) runs.get(2 * r + 1) * Float.BYTES);
            total += runs.get(2 * r + 1);
        }
        if (total != count) return null;
        JvmParallel.Chunks fill = (r, worker) -> slices[r].fill((byte) 0);
        return () -> pool.run(n, fill);
    }

    // (first, count = blocks, partials, g, n, blocks)
    private Launch.FastPath normPartials(int count, Object[] a) {
        MemorySegment partials = seg(a[2]), g = seg(a[3]);
        int n = i(a[4]), blocks = i(a[5]);
        if (count != blocks) return null;
        return new Ranged(blocks, 8, 1) {
            @Override
            void range(int from, int to, int worker) {
                for (int k = from; k < to; k++) {
                    long lo = (long) n * k / blocks, hi = (long) n * (k + 1) / blocks;
                    VectorKernels.set(partials, k, VectorKernels.sumSquares(g, lo, hi));
                }
            }
        };
    }

    // (first, count = P, params, m, v, grads, hyper, gradScale)
    private Launch.FastPath adamw(int count, Object[] a) {
        MemorySegment p = seg(a[2]), m = seg(a[3]), v = seg(a[4]), g = seg(a[5]);
        FloatArray hyper = (FloatArray) a[6], gradScale = (FloatArray) a[7];
        return new Ranged(count, 1 << 16, L) {
            float gs, decay, beta1, beta2, eps, stepSize, bc2;

            @Override
            void prepare() {
                gs = gradScale.get(1);
                decay = hyper.get(StepSlots.DECAY);
                beta1 = hyper.get(StepSlots.BETA1);
                beta2 = hyper.get(StepSlots.BETA2);
                eps = hyper.get(StepSlots.EPS);
                stepSize = hyper.get(StepSlots.STEP_SIZE);
                bc2 = hyper.get(StepSlots.BC2_SQRT);
            }

            @Override
            void range(int from, int to, int worker) {
                VectorKernels.adamw(p, m, v, g, from, to, gs, decay, beta1, beta2, eps, stepSize, bc2);
            }
        };
    }

    // ------------------------------------------------------------------------------------------
    // decoding one position against the KV cache: the attention's launches split the heads over
    // the pool (a layer's keys and values come from memory: the weights read since evict them);
    // the cache store and the embedding are two row copies, run on the caller
    // ------------------------------------------------------------------------------------------

    /** A loop over the heads of a decode step; n, the positions attended to (step[1] + 1), is read when the launch runs. */
    private abstract class OverPositions extends Ranged {
        private final IntArray step;
        int n;

        OverPositions(int heads, IntArray step) {
            super(heads, 1, 1);
            this.step = step;
        }

        @Override
        void prepare() {
            n = step.get(1) + 1;
        }
    }

    // (first, count = NH*Tmax, att, qkv, qkvOff, keys, cacheOff, step, C, NH, Tmax)
    private Launch.FastPath decodeScores(int count, Object[] a) {
        MemorySegment att = seg(a[2]), qkv = seg(a[3]), keys = seg(a[5]);
        int qkvOff = i(a[4]), cacheOff = i(a[6]), C = i(a[8]), NH = i(a[9]), Tmax = i(a[10]);
        IntArray step = (IntArray) a[7];
        if (NH <= 0 || C % NH != 0 || count != NH * Tmax) return null;
        int hd = C / NH;
        float scale = 1f / (float) Math.sqrt((float) hd);
        return new OverPositions(NH, step) {
            @Override
            void range(int from, int to, int worker) {
                for (int h = from; h < to; h++) {
                    long r = (long) h * Tmax;
                    VectorKernels.rowDots(att, r, qkv, qkvOff + (long) h * hd, keys, cacheOff + (long) h * hd, C, hd, n, scratch[worker]);
                    VectorKernels.scale(att, r, n, scale);
                }
            }
        };
    }

    // (first, count = NH, att, step, Tmax)
    private Launch.FastPath decodeSoftmax(int count, Object[] a) {
        MemorySegment att = seg(a[2]);
        IntArray step = (IntArray) a[3];
        int Tmax = i(a[4]);
        return new OverPositions(count, step) {
            @Override
            void range(int from, int to, int worker) {
                for (int h = from; h < to; h++) {
                    long r = (long) h * Tmax;
                    float max = VectorKernels.max(att, r, n);
                    float sum = VectorKernels.expShifted(att, r, att, r, n, max, scratch[worker]);
                    VectorKernels.scale(att, r, n, 1f / sum);
                }
            }
        };
    }

    // (first, count = C, out, att, values, cacheOff, step, C, NH, Tmax)
    private Launch.FastPath decodeValues(int count, Object[] a) {
        MemorySegment out = seg(a[2]), att = seg(a[3]), values = seg(a[4]);
        int cacheOff = i(a[5]), C = i(a[7]), NH = i(a[8]), Tmax = i(a[9]);
        IntArray step = (IntArray) a[6];
        if (NH <= 0 || C % NH != 0 || count != C) return null;
        int hd = C / NH;
        return new OverPositions(NH, step) {
            @Override
            void range(int from, int to, int worker) {
                for (int h = from; h < to; h++)
                    VectorKernels.weightedRows(out, (long) h * hd, att, (long) h * Tmax, values, cacheOff + (long) h * hd, C, n, hd);
            }
        };
    }

    // (first, count = C, keys, values, cacheOff, qkv, qkvOff, step, C)
    private Launch.FastPath decodeStoreKv(int count, Object[] a) {
        MemorySegment keys = seg(a[2]), values = seg(a[3]), qkv = seg(a[5]);
        int cacheOff = i(a[4]), qkvOff = i(a[6]), C = i(a[8]);
        IntArray step = (IntArray) a[7];
        if (count != C) return null;
        long bytes = (long) C * Float.BYTES;
        return () -> {
            long dst = (cacheOff + (long) step.get(1) * C) * Float.BYTES;
            MemorySegment.copy(qkv, (qkvOff + (long) C) * Float.BYTES, keys, dst, bytes);
            MemorySegment.copy(qkv, (qkvOff + 2L * C) * Float.BYTES, values, dst, bytes);
        };
    }

    // (first, count = C, out, step, params, wteOff, wpeOff, C)
    private Launch.FastPath decodeEmbed(int count, Object[] a) {
        MemorySegment out = seg(a[2]), p = seg(a[4]);
        IntArray step = (IntArray) a[3];
        int wteOff = i(a[5]), wpeOff = i(a[6]), C = i(a[7]);
        if (count != C) return null;
        return () -> VectorKernels.add(out, 0, p, wteOff + (long) step.get(0) * C, p, wpeOff + (long) step.get(1) * C, C);
    }
}
