package org.tornadogpt.runtime;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

import org.tornadogpt.graphs.Launch;
import org.tornadogpt.graphs.Program;

/**
 * Runs programs on all cores of the JVM: each launch's parallel range [0, n) is cut into chunks
 * that the {@link WorkerPool} threads take in turn ({@code kernel(first, count, ...)} per chunk).
 * Launches with a {@link Launch.FastPath} (Vector API GEMMs) run that instead when fast paths are
 * on. Chunk argument arrays are built once per program, so a steady-state run allocates nothing.
 */
public final class JvmBackend implements Backend {
    private final WorkerPool pool;
    private final boolean fastPaths;
    private final Map<Program, Compiled> compiled = new IdentityHashMap<>();

    /** One launch cut into chunks: chunkArgs[k] are the launch's arguments with first/count of chunk k. */
    private record Chunked(Launch launch, Object[][] chunkArgs, IntConsumer body) {}

    private record Compiled(Chunked[] launches) {}

    public JvmBackend() {
        this(Runtime.getRuntime().availableProcessors(), true);
    }

    public JvmBackend(int threads, boolean fastPaths) {
        this.pool = new WorkerPool(threads);
        this.fastPaths = fastPaths;
    }

    public WorkerPool pool() {
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
        Compiled c = compiled.computeIfAbsent(program, this::compile);
        for (Chunked ch : c.launches()) {
            Launch l = ch.launch();
            if (fastPaths && l.fast() != null) {
                l.fast().run();
            } else if (ch.chunkArgs().length == 1) {
                Launch.invoke(l.task(), ch.chunkArgs()[0]);
            } else {
                pool.run(ch.chunkArgs().length, ch.body());
            }
        }
    }

    private Compiled compile(Program p) {
        List<Launch> ls = p.launches();
        Chunked[] out = new Chunked[ls.size()];
        for (int i = 0; i < out.length; i++) {
            Launch l = ls.get(i);
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
            out[i] = new Chunked(l, args, k -> Launch.invoke(task, args[k]));
        }
        return new Compiled(out);
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
