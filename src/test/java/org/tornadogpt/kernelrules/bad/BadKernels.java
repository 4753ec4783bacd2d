package org.tornadogpt.kernelrules.bad;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.annotations.Reduce;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Deliberately broken kernels, one broken rule each, for {@code KernelRulesTest}. Never launched.
 * {@link #good} follows every rule (with its helper) and must produce no violation. Methods named
 * helper* are not entry points (only reached through calls), host* are host-side utilities no
 * kernel reaches.
 */
@SuppressWarnings({"unused", "UnnecessaryBoxing"})
public final class BadKernels {
    private BadKernels() {}

    static float scale = 2f;

    public static void good(int first, int count, FloatArray out, FloatArray in, IntArray idx, int n) {
        for (@Parallel int i = 0; i < count; i++) {
            int r = first + i;
            float v = in.get(idx.get(r) % in.getSize());
            out.set(r, TornadoMath.exp(v) + (float) Math.sqrt(Math.abs(v)) + Math.max(v, 0f) + helperSquare(v) + n);
        }
    }

    /** A helper that follows the rules: inlined by TornadoVM. */
    public static float helperSquare(float v) {
        return v * v;
    }

    /** Not reached by any kernel: may do host things. */
    public static int hostThreshold(double p) {
        if (p < 0) throw new IllegalArgumentException("p " + p);
        return (int) Math.round(p * 100);
    }

    public static void mutualRecursion(int first, int count, FloatArray out) {
        for (@Parallel int i = 0; i < count; i++) {
            out.set(first + i, helperPing(i));
        }
    }

    public static float helperPing(int i) {
        return i <= 0 ? 0f : helperPong(i - 1);
    }

    public static float helperPong(int i) {
        return helperPing(i) + 1f;
    }

    public static void callsAllocatingHelper(int first, int count, FloatArray out) {
        for (@Parallel int i = 0; i < count; i++) {
            out.set(first + i, helperAllocates(i));
        }
    }

    public static float helperAllocates(int i) {
        float[] tmp = new float[1];
        tmp[0] = i;
        return tmp[0];
    }

    public static void unsignedShift(int first, int count, IntArray out) {
        for (@Parallel int i = 0; i < count; i++) {
            out.set(first + i, out.get(first + i) >>> 8);
        }
    }

    public static void callsKernel(int first, int count, FloatArray out) {
        allocatesObject(first, count, out);
    }

    public static void allocatesObject(int first, int count, FloatArray out) {
        for (@Parallel int i = 0; i < count; i++) {
            FloatArray tmp = new FloatArray(1);
            out.set(first + i, tmp.get(0));
        }
    }

    public static void allocatesPrimitiveArray(int first, int count, FloatArray out) {
        for (@Parallel int i = 0; i < count; i++) {
            float[] tmp = new float[4];
            out.set(first + i, tmp[i & 3]);
        }
    }

    public static void allocatesReferenceArray(int first, int count, FloatArray out) {
        for (@Parallel int i = 0; i < count; i++) {
            FloatArray[] tmp = new FloatArray[] {out};
            tmp[0].set(first + i, 1f);
        }
    }

    public static void allocatesMultiArray(int first, int count, FloatArray out) {
        for (@Parallel int i = 0; i < count; i++) {
            float[][] tmp = new float[2][2];
            out.set(first + i, tmp[1][1]);
        }
    }

    public static void throwsException(int first, int count, FloatArray out) {
        for (@Parallel int i = 0; i < count; i++) {
            if (out.get(first + i) < 0f) throw new IllegalStateException("negative");
        }
    }

    public static void recurses(int first, int count, FloatArray out) {
        if (count > 1) recurses(first, count / 2, out);
        out.set(first, 1f);
    }

    public static void callsOutsideAllowlist(int first, int count, FloatArray out) {
        for (@Parallel int i = 0; i < count; i++) {
            out.set(first + i, (float) Math.cbrt(out.get(first + i)));
        }
    }

    public static void boxes(int first, int count, FloatArray out) {
        for (@Parallel int i = 0; i < count; i++) {
            Float boxed = out.get(first + i);
            out.set(first + i, boxed);
        }
    }

    public static void concatenatesStrings(int first, int count, FloatArray out) {
        for (@Parallel int i = 0; i < count; i++) {
            String s = "row " + i;
            out.set(first + i, s.length());
        }
    }

    public static void usesLambda(int first, int count, FloatArray out) {
        for (@Parallel int i = 0; i < count; i++) {
            java.util.function.IntUnaryOperator f = x -> x + 1;
            out.set(first + i, f.applyAsInt(i));
        }
    }

    public static void usesReduce(int first, int count, FloatArray in, @Reduce FloatArray sum) {
        for (@Parallel int i = 0; i < count; i++) {
            sum.set(0, sum.get(0) + in.get(first + i));
        }
    }

    public static void heapArrayParameter(int first, int count, float[] out) {
        for (@Parallel int i = 0; i < count; i++) {
            out[first + i] = 1f;
        }
    }

    public static void sixteenParameters(int first, int count, FloatArray out, int a, int b, int c, int d, int e,
                                         int f, int g, int h, int j, int k, int l, int m, int n) {
        for (@Parallel int i = 0; i < count; i++) {
            out.set(first + i, a + b + c + d + e + f + g + h + j + k + l + m + n);
        }
    }

    public static void noLaunchConvention(FloatArray out, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            out.set(i, 1f);
        }
    }

    public static void loopStartsAtArgument(int first, int count, FloatArray out) {
        for (@Parallel int r = first; r < first + count; r++) {
            out.set(r, 1f);
        }
    }

    public static void readsStaticField(int first, int count, FloatArray out) {
        for (@Parallel int i = 0; i < count; i++) {
            out.set(first + i, scale);
        }
    }

    public void instanceMethod(int first, int count, FloatArray out) {
        for (@Parallel int i = 0; i < count; i++) {
            out.set(first + i, 1f);
        }
    }
}
