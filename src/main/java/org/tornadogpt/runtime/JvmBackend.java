package org.tornadogpt.runtime;

import java.io.PrintStream;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.tornadogpt.graphs.Launch;
import org.tornadogpt.graphs.Program;
import org.tornadogpt.runtime.jvm.FastPaths;
import org.tornadogpt.runtime.jvm.JvmParallel;

/**
 * Runs programs on all cores of the JVM. One {@link JvmParallel} pool does all the work, so the
 * threads never compete with a second pool: a portable kernel's parallel range [0, n) is cut into
 * chunks that the pool's workers claim in turn ({@code kernel(first, count, ...)} per chunk), and
 * with fast paths on, launches that {@link FastPaths} recognises (matrix products, attention,
 * softmax and cross-entropy, layer norm, GELU, AdamW, ...) run a Vector API implementation of the
 * same function on the same pool instead. A launch that carries its own {@link Launch#fast()} runs
 * that. {@code fastPaths = false} runs the portable kernels only.
 *
 * <p>Chunk argument arrays and fast paths are built once per program, so a steady-state run
 * allocates nothing.
 *
 * <p>Profiling: with the system property {@code tornadogpt.profile} set (or {@link #profile(boolean)}),
 * every launch is timed and {@link #printProfile} prints the time per launch id, with layer numbers
 * folded ({@code l*_qkv}).
 */
public final class JvmBackend implements Backend {
    private final JvmParallel pool;
    private final boolean fastPaths;
    private final FastPaths fast;
    private final Map<Program, Compiled> compiled = new IdentityHashMap<>();
    private boolean profiling = Boolean.getBoolean("tornadogpt.profile");

    /** One launch: its fast path, or its arguments cut into chunks (chunkArgs[k] has first/count of chunk k). */
    private static final class Chunked {
        final Launch launch;
        final Launch.FastPath fast;
        final Object[][] chunkArgs;
        final JvmParallel.Chunks task;
        long nanos;
        long runs;

        Chunked(Launch launch, Launch.FastPath fast, Object[][] chunkArgs, JvmParallel.Chunks task) {
            this.launch = launch;
            this.fast = fast;
            this.chunkArgs = chunkArgs;
            this.task = task;
        }
    }

    private record Compiled(Chunked[] launches) {}

    public JvmBackend() {
        this(Runtime.getRuntime().availableProcessors(), true);
    }

    public JvmBackend(int threads, boolean fastPaths) {
        this.pool = new JvmParallel(threads);
        this.fastPaths = fastPaths;
        this.fast = fastPaths ? new FastPaths(pool) : null;
    }

    /** The pool every launch runs on. */
    public JvmParallel pool() {
        return pool;
    }

    public boolean fastPaths() {
        return fastPaths;
    }

    @Override
    public String name() {
        return "jvm";
    }

    @Override
    public String description() {
        return "JVM, " + pool.threads() + " thread" + (pool.threads() == 1 ? "" : "s") + (fastPaths ? ", Vector API fast paths" : ", portable kernels only");
    }

    @Override
    public void run(Program program) {
        Compiled c = compiled.get(program);
        if (c == null) {
            c = compile(program);
            compiled.put(program, c);
        }
        boolean prof = profiling;
        for (Chunked ch : c.launches()) {
            long t0 = prof ? System.nanoTime() : 0;
            if (ch.fast != null) {
                ch.fast.run();
            } else if (ch.chunkArgs.length == 1) {
                Launch.invoke(ch.launch.task(), ch.chunkArgs[0]);
            } else {
                pool.run(ch.chunkArgs.length, ch.task);
            }
            if (prof) {
                ch.nanos += System.nanoTime() - t0;
                ch.runs++;
            }
        }
    }

    private Compiled compile(Program p) {
        List<Launch> ls = p.launches();
        Chunked[] out = new Chunked[ls.size()];
        for (int i = 0; i < out.length; i++) {
            Launch l = ls.get(i);
            Launch.FastPath f = l.fast();
            if (f == null && fastPaths) f = fast.of(l);
            if (!fastPaths) f = null;
            int n = l.count();
            int chunks = pool.threads() == 1 ? 1 : (int) Math.min(n, pool.threads() * 8L);
            chunks = Math.max(1, chunks);
            Object[][] args = new Object[chunks][];
            for (int k = 0; k < chunks; k++) {
                int from = (int) ((long) n * k / chunks), to = (int) ((long) n * (k + 1) / chunks);
                Object[] a = l.args().clone();
                a[0] = from;
                a[1] = to - from;
                args[k] = a;
            }
            Object task = l.task();
            JvmParallel.Chunks t = (k, worker) -> Launch.invoke(task, args[k]);
            out[i] = new Chunked(l, f, args, t);
        }
        return new Compiled(out);
    }

    /** Turns per-launch timing on or off (see the class comment). */
    public void profile(boolean on) {
        profiling = on;
    }

    /** Forgets the timings gathered so far. */
    public void resetProfile() {
        for (Compiled c : compiled.values())
            for (Chunked ch : c.launches()) {
                ch.nanos = 0;
                ch.runs = 0;
            }
    }

    /**
     * Prints the time spent per launch id since the last reset, layer numbers folded, largest
     * first, with the share of the total and, for matrix products, the achieved GFLOP/s;
     * {@code perRun} divides by that many runs (steps).
     */
    public void printProfile(PrintStream out, int perRun) {
        Map<String, long[]> byId = new TreeMap<>();
        long total = 0;
        for (Compiled c : compiled.values())
            for (Chunked ch : c.launches()) {
                if (ch.runs == 0) continue;
                String key = ch.launch.id().replaceAll("l\\d+_", "l*_") + (ch.fast != null ? "" : " (portable)");
                long[] v = byId.computeIfAbsent(key, k -> new long[3]);
                v[0] += ch.nanos;
                v[1] += ch.runs;
                v[2] += (long) (FastPaths.matmulFlops(ch.launch) * ch.runs);
                total += ch.nanos;
            }
        long tot = total;
        int div = Math.max(1, perRun);
        out.printf(Locale.ROOT, "%-40s %10s %7s %8s %9s%n", "launch", "ms/run", "share", "calls", "GFLOP/s");
        byId.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0])).forEach(e ->
                out.printf(Locale.ROOT, "%-40s %10.2f %6.1f%% %8d %9s%n", e.getKey(), e.getValue()[0] / 1e6 / div,
                        100.0 * e.getValue()[0] / Math.max(1, tot), e.getValue()[1] / div,
                        e.getValue()[2] == 0 ? "" : String.format(Locale.ROOT, "%.1f", e.getValue()[2] / (double) e.getValue()[0])));
        out.printf(Locale.ROOT, "%-40s %10.2f%n", "total", tot / 1e6 / div);
    }

    /** Forgets the cached chunking of a program (call when a program is discarded). */
    public void forget(Program p) {
        compiled.remove(p);
    }

    @Override
    public void release(Program... programs) {
        for (Program p : programs) forget(p);
    }

    @Override
    public void close() {
        pool.close();
    }
}
