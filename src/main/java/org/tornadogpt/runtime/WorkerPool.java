package org.tornadogpt.runtime;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed set of worker threads that run {@code body(0..tasks-1)} together with the caller and
 * return when all are done. Tasks are handed out through one atomic ticket (generation in the high
 * 32 bits, next index in the low 32), claimed by compare-and-set so a worker still finishing an
 * earlier call can never take a task of the next one. One caller at a time; nothing is allocated
 * per call.
 */
public final class WorkerPool implements AutoCloseable {
    private final int threads;
    private final Thread[] workers;
    private final AtomicLong ticket = new AtomicLong();
    private final AtomicInteger done = new AtomicInteger();
    private volatile IntConsumer body;
    private volatile int tasks;
    private volatile int generation;
    private volatile boolean closed;
    private volatile Throwable failure;

    public WorkerPool(int threads) {
        if (threads < 1) throw new IllegalArgumentException("thread count must be at least 1, got " + threads);
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            Thread t = new Thread(this::workerLoop, "tornado-gpt-worker-" + (i + 1));
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    public int threads() {
        return threads;
    }

    /** Runs body(i) for i in [0, tasks) on all threads; rethrows the first failure. */
    public void run(int tasks, IntConsumer body) {
        if (tasks <= 0) return;
        if (tasks == 1 || threads == 1) {
            for (int i = 0; i < tasks; i++) body.accept(i);
            return;
        }
        int gen = generation + 1;
        this.body = body;
        this.tasks = tasks;
        this.failure = null;
        done.set(0);
        ticket.set((long) gen << 32);
        generation = gen; // publishes the fields above
        for (Thread w : workers) LockSupport.unpark(w);
        drain(gen, body, tasks);
        while (done.get() < tasks) Thread.onSpinWait();
        this.body = null;
        Throwable f = failure;
        if (f instanceof RuntimeException re) throw re;
        if (f instanceof Error e) throw e;
        if (f != null) throw new RuntimeException(f);
    }

    private void drain(int gen, IntConsumer b, int n) {
        while (true) {
            long v = ticket.get();
            if ((int) (v >>> 32) != gen) return;
            int i = (int) v;
            if (i >= n) return;
            if (!ticket.compareAndSet(v, v + 1)) continue;
            try {
                b.accept(i);
            } catch (Throwable t) {
                failure = t;
            } finally {
                done.incrementAndGet();
            }
        }
    }

    private void workerLoop() {
        int seen = 0;
        while (!closed) {
            int g = generation;
            if (g != seen) {
                seen = g;
                IntConsumer b = body;
                int n = tasks;
                if (b != null) drain(g, b, n);
                continue;
            }
            for (int s = 0; s < 5000 && generation == seen && !closed; s++) Thread.onSpinWait();
            if (generation == seen && !closed) LockSupport.parkNanos(100_000);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) LockSupport.unpark(w);
    }
}
