package org.tornadogpt.runtime.jvm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The decode matrix-vector product ({@code VectorKernels.gemv}, one input row) against a plain
 * vector sum of the same weights, interleaved call by call so both see the same machine: how much
 * of the read bandwidth the product reaches. Weights of GPT-2's LM head (768 x 50257) by default.
 *
 * <pre>
 * scripts/jmh --gemv [threads] [calls]
 * </pre>
 */
public final class GemvQuick {
    private GemvQuick() {}

    // constants, so that C2 intrinsifies the sum's vector operations
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ByteOrder NO = ByteOrder.nativeOrder();

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int C = 768, OC = 50257;
        MemorySegment w = Arena.global().allocate((long) C * OC * Float.BYTES, 64);
        MemorySegment x = Arena.global().allocate((long) C * Float.BYTES, 64);
        MemorySegment out = Arena.global().allocate((long) OC * Float.BYTES, 64);
        w.fill((byte) 1);
        x.fill((byte) 1);
        float[] sink = new float[threads];
        float[][] scratch = new float[threads][VectorKernels.BLOCK];
        List<Double> gemv = new ArrayList<>(), sum = new ArrayList<>();
        try (JvmParallel pool = new JvmParallel(threads)) {
            for (int rep = 0; rep < 2 * (calls + 10); rep++) {
                boolean isSum = rep % 2 == 1;
                long t0 = System.nanoTime();
                pool.run((wk, ws) -> {
                    int o0 = (int) ((long) OC * wk / ws), o1 = (int) ((long) OC * (wk + 1) / ws);
                    if (!isSum) {
                        VectorKernels.gemv(out, 0, x, 0, w, 0, null, 0, 1, C, OC, o0, o1, scratch[wk]);
                        return;
                    }
                    sink[wk] = sum(w, (long) o0 * C, (long) o1 * C);
                });
                double gbs = (double) C * OC * Float.BYTES / ((System.nanoTime() - t0) / 1e9) / 1e9;
                if (rep >= 20) (isSum ? sum : gemv).add(gbs);
            }
        }
        double g = median(gemv), r = median(sum);
        System.out.println(String.format(Locale.ROOT,
                "{\"bench\":\"gemv\",\"rows\":%d,\"cols\":%d,\"threads\":%d,\"lanes\":%d,\"gemv_gb_per_s\":%.1f,\"sum_gb_per_s\":%.1f,\"ratio\":%.2f}",
                OC, C, threads, L, g, r, g / r));
    }

    /** Sum of the floats [from, to) of m, four vectors per step (the last partial step left out). */
    private static float sum(MemorySegment m, long from, long to) {
        FloatVector a = FloatVector.zero(S), b = FloatVector.zero(S), c = FloatVector.zero(S), d = FloatVector.zero(S);
        for (long i = from; i + 4L * L <= to; i += 4L * L) {
            a = FloatVector.fromMemorySegment(S, m, i * Float.BYTES, NO).add(a);
            b = FloatVector.fromMemorySegment(S, m, (i + L) * Float.BYTES, NO).add(b);
            c = FloatVector.fromMemorySegment(S, m, (i + 2 * L) * Float.BYTES, NO).add(c);
            d = FloatVector.fromMemorySegment(S, m, (i + 3 * L) * Float.BYTES, NO).add(d);
        }
        return FloatVector.zero(S).add(a).add(b).add(c).add(d).lane(0);
    }

    private static double median(List<Double> v) {
        List<Double> c = new ArrayList<>(v);
        Collections.sort(c);
        return c.get(c.size() / 2);
    }
}
