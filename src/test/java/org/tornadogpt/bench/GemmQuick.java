package org.tornadogpt.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Locale;
import java.util.SplittableRandom;

import org.tornadogpt.runtime.jvm.GemmEngine;
import org.tornadogpt.runtime.jvm.JvmParallel;

/**
 * Quick GFLOP/s table of the JVM GEMMs without JMH, for fast iteration.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes \
 *   org.tornadogpt.bench.GemmQuick [-Dthreads=1,2] [-Dn=256] [-Dops=fwd,dinp,dw] [-Dshapes=768x2304,...]
 *   [-Dkc=256 -Dmc=128 -Dnc=1024 -Dkcdeep=768] [-Dwarm=1.0 -Dtime=2.0] [-Dreps=1] [-Dtrace=true]
 *   [-Dblockings=kc:mc:nc,kc:mc:nc] [-Dkernel=K4X2]
 * </pre>
 */
public final class GemmQuick {

    static final String DEFAULT_SHAPES = "768x2304,768x768,768x3072,3072x768,768x50257";

    public static void main(String[] args) {
        int n = Integer.getInteger("n", 256);
        String[] threads = System.getProperty("threads", "1,2").split(",");
        String[] ops = System.getProperty("ops", "fwd,dinp,dw").split(",");
        String[] shapes = System.getProperty("shapes", DEFAULT_SHAPES).split(",");
        int kc = Integer.getInteger("kc", GemmEngine.DEFAULT_KC);
        int mc = Integer.getInteger("mc", GemmEngine.DEFAULT_MC);
        int nc = Integer.getInteger("nc", GemmEngine.DEFAULT_NC);
        int kcDeep = Integer.getInteger("kcdeep", GemmEngine.DEFAULT_KC_DEEP);
        double warm = Double.parseDouble(System.getProperty("warm", "1.0"));
        double time = Double.parseDouble(System.getProperty("time", "2.0"));
        int reps = Integer.getInteger("reps", 1);
        String[] blockings = System.getProperty("blockings", "default").split(",");
        GemmEngine.Kernel kernel = GemmEngine.Kernel.valueOf(System.getProperty("kernel", GemmEngine.Kernel.auto().name()));
        System.out.printf(Locale.ROOT, "lanes=%d n=%d kc=%d mc=%d nc=%d kcdeep=%d%n", GemmEngine.vectorLanes(), n, kc, mc, nc, kcDeep);
        System.out.printf(Locale.ROOT, "%-5s %6s %6s %3s %10s %10s %10s %8s%n", "op", "c", "oc", "thr", "ms", "GFLOP/s",
                "GF/cpu-s", "B/call");
                for (int rep = 0; rep < reps; rep++) {
            for (String shape : shapes) {
                String[] p = shape.trim().split("x");
                int c = Integer.parseInt(p[0]);
                int oc = Integer.parseInt(p[1]);
                try (Arena arena = Arena.ofShared()) {
                    Bufs bf = new Bufs(arena, n, c, oc);
                    for (String op : ops) {
                        for (String t : threads) {
                            for (String blk : blockings) {
                                String[] q = blk.split(":");
                                int bkc = q.length == 3 ? Integer.parseInt(q[0]) : kc;
                                int bmc = q.length == 3 ? Integer.parseInt(q[1]) : mc;
                                int bnc = q.length == 3 ? Integer.parseInt(q[2]) : nc;
                                JvmParallel pool = new JvmParallel(Integer.parseInt(t.trim()));
                                GemmEngine e = new GemmEngine(pool, kernel, bkc, bmc, bnc, kcDeep);
                                Runnable r = bf.op(e, op.trim());
                                double[] res = measure(r, warm, time);
                                double flop = 2.0 * n * c * oc;
                                System.out.printf(Locale.ROOT, "%-5s %6d %6d %3s %10.3f %10.1f %10.1f %8.0f  %s%n", op, c, oc, t,
                                        res[0] * 1e3, flop / res[0] / 1e9, flop / res[1] / 1e9, res[2],
                                        q.length == 3 ? blk : "");
                                pool.close();
                            }
                        }
                    }
                }
            }
        }
    }

    static final com.sun.management.ThreadMXBean MX =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();

    /** Returns {best wall seconds per call, caller-thread CPU seconds per call, bytes allocated per call}. */
    static double[] measure(Runnable r, double warmSec, double timeSec) {
        if (Boolean.getBoolean("trace")) {
            // time of the first calls: how long the JIT warm-up takes
            StringBuilder sb = new StringBuilder("first calls (ms):");
            long start = System.nanoTime();
            for (int i = 0; i < 30; i++) {
                long t0 = System.nanoTime();
                r.run();
                sb.append(String.format(Locale.ROOT, " %.0f", (System.nanoTime() - t0) / 1e6));
            }
            sb.append(String.format(Locale.ROOT, " | total %.0f ms", (System.nanoTime() - start) / 1e6));
            System.out.println(sb);
        }
        if (Boolean.getBoolean("cold")) {
            return measureCold(r, warmSec, timeSec);
        }
        long end = System.nanoTime() + (long) (warmSec * 1e9);
        while (System.nanoTime() < end) {
            r.run();
        }
        // best of short batches: robust against noisy neighbours
        double best = Double.MAX_VALUE;
        double bestCpu = Double.MAX_VALUE;
        long calls = 0;
        long tid = Thread.currentThread().threadId();
        long alloc0 = MX.getThreadAllocatedBytes(tid);
        long stop = System.nanoTime() + (long) (timeSec * 1e9);
        do {
            long c0 = MX.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            int it = 0;
            long t1;
            do {
                r.run();
                it++;
                t1 = System.nanoTime();
            } while (t1 - t0 < 100_000_000L);
            long c1 = MX.getCurrentThreadCpuTime();
            calls += it;
            best = Math.min(best, (t1 - t0) / 1e9 / it);
            bestCpu = Math.min(bestCpu, (c1 - c0) / 1e9 / it);
        } while (System.nanoTime() < stop);
        double alloc = (double) (MX.getThreadAllocatedBytes(tid) - alloc0) / calls;
        return new double[] {best, bestCpu, alloc};
    }

    private static final byte[] SWEEP = new byte[96 << 20];
    private static long sink;

    /** Evicts the caches (writes a buffer larger than the L3) so that operands come from memory, as inside a training step. */
    static void evict() {
        for (int i = 0; i < SWEEP.length; i += 64) {
            SWEEP[i]++;
        }
        sink += SWEEP[12345];
    }

    /** Like measure, but every call starts with cold caches; returns the median wall and CPU time per call. */
    static double[] measureCold(Runnable r, double warmSec, double timeSec) {
        long end = System.nanoTime() + (long) (warmSec * 1e9);
        while (System.nanoTime() < end) {
            r.run();
        }
        java.util.List<Double> wall = new java.util.ArrayList<>();
        java.util.List<Double> cpu = new java.util.ArrayList<>();
        long stop = System.nanoTime() + (long) (timeSec * 1e9);
        do {
            evict();
            long c0 = MX.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            r.run();
            long t1 = System.nanoTime();
            wall.add((t1 - t0) / 1e9);
            cpu.add((MX.getCurrentThreadCpuTime() - c0) / 1e9);
        } while (System.nanoTime() < stop);
        java.util.Collections.sort(wall);
        java.util.Collections.sort(cpu);
        return new double[] {wall.get(wall.size() / 2), cpu.get(cpu.size() / 2), 0};
    }

    /** Buffers for one shape, filled with random values in [-1, 1). */
    static final class Bufs {
        final int n, c, oc;
        final MemorySegment inp, w, bias, out, dout, dinp, dw, dbias;

        Bufs(Arena arena, int n, int c, int oc) {
            this.n = n;
            this.c = c;
            this.oc = oc;
            SplittableRandom rnd = new SplittableRandom(42);
            inp = fill(arena, (long) n * c, rnd);
            w = fill(arena, (long) oc * c, rnd);
            bias = fill(arena, oc, rnd);
            out = fill(arena, (long) n * oc, rnd);
            dout = fill(arena, (long) n * oc, rnd);
            dinp = fill(arena, (long) n * c, rnd);
            dw = fill(arena, (long) oc * c, rnd);
            dbias = fill(arena, oc, rnd);
        }

        static MemorySegment fill(Arena arena, long count, SplittableRandom rnd) {
            MemorySegment s = arena.allocate(count * Float.BYTES, 64);
            for (long i = 0; i < count; i++) {
                s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (rnd.nextDouble() * 2 - 1));
            }
            return s;
        }

        Runnable op(GemmEngine e, String op) {
            return switch (op) {
                case "fwd" -> () -> e.forward(out, 0, inp, 0, w, 0, bias, 0, n, c, oc);
                case "dinp" -> () -> e.backwardInput(dinp, 0, dout, 0, w, 0, n, c, oc);
                case "dw" -> () -> e.backwardWeight(dw, 0, dbias, 0, dout, 0, inp, 0, n, c, oc);
                default -> throw new IllegalArgumentException("op: " + op);
            };
        }
    }
}
