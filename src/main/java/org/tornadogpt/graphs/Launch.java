package org.tornadogpt.graphs;

import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.common.TornadoFunctions;

/**
 * One kernel launch of a {@link Program}: a task id, the kernel (a TornadoVM functional interface
 * {@code TornadoFunctions.TaskN}, usually a static method reference) and its arguments. By the
 * kernels' convention {@code args[0]} is {@code first} (always 0 here) and {@code args[1]} is
 * {@code count}, the size of the parallel range.
 *
 * <p>{@code fast} is an optional replacement that only the JVM runtime uses; it must compute the same
 * function. The graph builders leave it null: {@code JvmBackend} finds the fast path of a launch
 * itself ({@code runtime.jvm.FastPaths}, by the kernel object of {@link Kernels}), and runs a
 * {@code fast} given here in preference to that.
 */
public record Launch(String id, Object task, Object[] args, FastPath fast) {

    /** A JVM-only implementation of the same launch. */
    @FunctionalInterface
    public interface FastPath {
        void run();
    }

    public Launch {
        if (args.length < 2 || !(args[0] instanceof Integer) || !(args[1] instanceof Integer))
            throw new IllegalArgumentException("launch " + id + ": the first two arguments must be int first, int count");
    }

    /** The size of the parallel range. */
    public int count() {
        return (Integer) args[1];
    }

    /** The same launch with a JVM fast path attached. */
    public Launch withFastPath(FastPath f) {
        return new Launch(id, task, args, f);
    }

    /** Runs the kernel on the calling thread with the given arguments (same arity as {@link #args()}). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static void invoke(Object task, Object[] a) {
        switch (a.length) {
            case 2 -> ((TornadoFunctions.Task2) task).apply(a[0], a[1]);
            case 3 -> ((TornadoFunctions.Task3) task).apply(a[0], a[1], a[2]);
            case 4 -> ((TornadoFunctions.Task4) task).apply(a[0], a[1], a[2], a[3]);
            case 5 -> ((TornadoFunctions.Task5) task).apply(a[0], a[1], a[2], a[3], a[4]);
            case 6 -> ((TornadoFunctions.Task6) task).apply(a[0], a[1], a[2], a[3], a[4], a[5]);
            case 7 -> ((TornadoFunctions.Task7) task).apply(a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
            case 8 -> ((TornadoFunctions.Task8) task).apply(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);
            case 9 -> ((TornadoFunctions.Task9) task).apply(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8]);
            case 10 -> ((TornadoFunctions.Task10) task).apply(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9]);
            case 11 -> ((TornadoFunctions.Task11) task).apply(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10]);
            case 12 -> ((TornadoFunctions.Task12) task).apply(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11]);
            case 13 -> ((TornadoFunctions.Task13) task).apply(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12]);
            case 14 -> ((TornadoFunctions.Task14) task).apply(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13]);
            case 15 -> ((TornadoFunctions.Task15) task).apply(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14]);
            default -> throw new IllegalArgumentException("unsupported kernel arity " + a.length);
        }
    }

    /** Adds this launch to a TaskGraph as task {@code taskId} (arguments as recorded: first 0, count n). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void addTo(TaskGraph g, String taskId) {
        Object[] a = args;
        switch (a.length) {
            case 2 -> g.task(taskId, (TornadoFunctions.Task2) task, a[0], a[1]);
            case 3 -> g.task(taskId, (TornadoFunctions.Task3) task, a[0], a[1], a[2]);
            case 4 -> g.task(taskId, (TornadoFunctions.Task4) task, a[0], a[1], a[2], a[3]);
            case 5 -> g.task(taskId, (TornadoFunctions.Task5) task, a[0], a[1], a[2], a[3], a[4]);
            case 6 -> g.task(taskId, (TornadoFunctions.Task6) task, a[0], a[1], a[2], a[3], a[4], a[5]);
            case 7 -> g.task(taskId, (TornadoFunctions.Task7) task, a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
            case 8 -> g.task(taskId, (TornadoFunctions.Task8) task, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);
            case 9 -> g.task(taskId, (TornadoFunctions.Task9) task, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8]);
            case 10 -> g.task(taskId, (TornadoFunctions.Task10) task, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9]);
            case 11 -> g.task(taskId, (TornadoFunctions.Task11) task, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10]);
            case 12 -> g.task(taskId, (TornadoFunctions.Task12) task, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11]);
            case 13 -> g.task(taskId, (TornadoFunctions.Task13) task, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12]);
            case 14 -> g.task(taskId, (TornadoFunctions.Task14) task, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13]);
            case 15 -> g.task(taskId, (TornadoFunctions.Task15) task, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14]);
            default -> throw new IllegalArgumentException("unsupported kernel arity " + a.length);
        }
    }

    public static <T1, T2> Launch of(String id, TornadoFunctions.Task2<T1, T2> k, T1 a1, T2 a2) {
        return new Launch(id, k, new Object[] {a1, a2}, null);
    }

    public static <T1, T2, T3> Launch of(String id, TornadoFunctions.Task3<T1, T2, T3> k, T1 a1, T2 a2, T3 a3) {
        return new Launch(id, k, new Object[] {a1, a2, a3}, null);
    }

    public static <T1, T2, T3, T4> Launch of(String id, TornadoFunctions.Task4<T1, T2, T3, T4> k, T1 a1, T2 a2, T3 a3, T4 a4) {
        return new Launch(id, k, new Object[] {a1, a2, a3, a4}, null);
    }

    public static <T1, T2, T3, T4, T5> Launch of(String id, TornadoFunctions.Task5<T1, T2, T3, T4, T5> k, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5) {
        return new Launch(id, k, new Object[] {a1, a2, a3, a4, a5}, null);
    }

    public static <T1, T2, T3, T4, T5, T6> Launch of(String id, TornadoFunctions.Task6<T1, T2, T3, T4, T5, T6> k, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6) {
        return new Launch(id, k, new Object[] {a1, a2, a3, a4, a5, a6}, null);
    }

    public static <T1, T2, T3, T4, T5, T6, T7> Launch of(String id, TornadoFunctions.Task7<T1, T2, T3, T4, T5, T6, T7> k, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7) {
        return new Launch(id, k, new Object[] {a1, a2, a3, a4, a5, a6, a7}, null);
    }

    public static <T1, T2, T3, T4, T5, T6, T7, T8> Launch of(String id, TornadoFunctions.Task8<T1, T2, T3, T4, T5, T6, T7, T8> k, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8) {
        return new Launch(id, k, new Object[] {a1, a2, a3, a4, a5, a6, a7, a8}, null);
    }

    public static <T1, T2, T3, T4, T5, T6, T7, T8, T9> Launch of(String id, TornadoFunctions.Task9<T1, T2, T3, T4, T5, T6, T7, T8, T9> k, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9) {
        return new Launch(id, k, new Object[] {a1, a2, a3, a4, a5, a6, a7, a8, a9}, null);
    }

    public static <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10> Launch of(String id, TornadoFunctions.Task10<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10> k, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9, T10 a10) {
        return new Launch(id, k, new Object[] {a1, a2, a3, a4, a5, a6, a7, a8, a9, a10}, null);
    }

    public static <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11> Launch of(String id, TornadoFunctions.Task11<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11> k, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9, T10 a10, T11 a11) {
        return new Launch(id, k, new Object[] {a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11}, null);
    }

    public static <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12> Launch of(String id, TornadoFunctions.Task12<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12> k, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9, T10 a10, T11 a11, T12 a12) {
        return new Launch(id, k, new Object[] {a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12}, null);
    }

    public static <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13> Launch of(String id, TornadoFunctions.Task13<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13> k, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9, T10 a10, T11 a11, T12 a12, T13 a13) {
        return new Launch(id, k, new Object[] {a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13}, null);
    }

    public static <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14> Launch of(String id, TornadoFunctions.Task14<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14> k, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9, T10 a10, T11 a11, T12 a12, T13 a13, T14 a14) {
        return new Launch(id, k, new Object[] {a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14}, null);
    }

    public static <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15> Launch of(String id, TornadoFunctions.Task15<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15> k, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9, T10 a10, T11 a11, T12 a12, T13 a13, T14 a14, T15 a15) {
        return new Launch(id, k, new Object[] {a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15}, null);
    }

}
