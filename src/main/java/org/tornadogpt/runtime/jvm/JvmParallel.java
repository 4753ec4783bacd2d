package org.tornadogpt.runtime.jvm;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed pool of worker threads for data-parallel kernels on the plain JVM.
 *
 * <p>{@link #run(Task)} executes one {@link Task} on every worker: worker 0 is the calling thread
 * itself, workers 1..n-1 are the pool's daemon threads. The call returns when all workers are done.
 * Nothing is allocated per call: the task is a reusable object (typically a preallocated job whose
 * fields hold the arguments), workers are woken by bumping a generation counter.
 *
 * <p>Idle workers spin for a short while ({@link #SPIN_NANOS}) so that back-to-back calls do not
 * pay for a park/unpark round trip, then park.
 *
 * <p><b>Thread safety:</b> {@link #run(Task)} must be called by one thread at a time (calls from
 * different threads must be externally serialized). Nested calls from inside a task are not
 * allowed. Memory written by the caller before {@code run} is visible to the workers, and memory
 * written by the workers is visible to the caller after {@code run} returns.
 */
public final class JvmParallel implements AutoCloseable {

    /** A unit of data-parallel work; {@code worker} is in [0, workers). */
    @FunctionalInterface
    public interface Task {
        void run(int worker, int workers);
    }

    /** How long an idle worker (or the waiting caller) spins before parking. */
    static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    private static volatile JvmParallel common;

    private final int threads;
    private final Worker[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile int generation;
    private volatile Task task;
    private volatile Thread waiter;
    private volatile boolean shutdown;
    private volatile Throwable failure;
    private volatile boolean running;

    /** Creates a pool with {@code threads} workers in total (the caller counts as one). */
    public JvmParallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1: " + threads);
        }
        this.threads = threads;
        this.workers = new Worker[threads];
        for (int i = 1; i < threads; i++) {
            Worker w = new Worker(i);
            w.setName("tornado-gpt-jvm-" + i);
            w.setDaemon(true);
            workers[i] = w;
            w.start();
        }
    }

    /** The shared pool; created on first use with {@link Runtime#availableProcessors()} workers. */
    public static JvmParallel common() {
        JvmParallel p = common;
        if (p == null) {
            synchronized (JvmParallel.class) {
                p = common;
                if (p == null) {
                    p = new JvmParallel(defaultThreads());
                    common = p;
                }
            }
        }
        return p;
    }

    /**
     * Replaces the shared pool by one with {@code threads} workers (the old pool is shut down).
     * Must not be called while another thread uses {@link #common()}.
     */
    public static synchronized void configure(int threads) {
        JvmParallel old = common;
        if (old != null && old.threads == threads) {
            return;
        }
        common = new JvmParallel(threads);
        if (old != null) {
            old.close();
        }
    }

    /** Default worker count: system property {@code tornadogpt.threads}, else available processors. */
    public static int defaultThreads() {
        String s = System.getProperty("tornadogpt.threads");
        if (s != null && !s.isBlank()) {
            return Math.max(1, Integer.parseInt(s.trim()));
        }
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** Number of workers, including the calling thread. */
    public int threads() {
        return threads;
    }

    /**
     * Runs {@code t} on all workers and waits for them. Any exception thrown by a worker is
     * rethrown here (the first one seen), after all workers have finished.
     */
    public void run(Task t) {
        if (threads == 1) {
            t.run(0, 1);
            return;
        }
        if (shutdown) {
            throw new IllegalStateException("pool is closed");
        }
        if (running) {
            throw new IllegalStateException("JvmParallel.run is not reentrant / not concurrent");
        }
        running = true;
        try {
            failure = null;
            waiter = Thread.currentThread();
            task = t;
            pending.set(threads - 1);
            generation = generation + 1; // volatile write publishes task, pending, failure
            for (int i = 1; i < threads; i++) {
                if (workers[i].parked) {
                    LockSupport.unpark(workers[i]);
                }
            }
            Throwable own = null;
            try {
                t.run(0, threads);
            } catch (Throwable e) {
                own = e;
            }
            awaitWorkers();
            task = null;
            Throwable f = own != null ? own : failure;
            if (f != null) {
                failure = null;
                if (f instanceof RuntimeException re) {
                    throw re;
                }
                if (f instanceof Error er) {
                    throw er;
                }
                throw new RuntimeException(f);
            }
        } finally {
            running = false;
        }
    }

    private void awaitWorkers() {
        if (pending.get() == 0) {
            return;
        }
        long start = System.nanoTime();
        int spins = 0;
        while (pending.get() != 0) {
            if ((++spins & 63) == 0 && System.nanoTime() - start > SPIN_NANOS) {
                break;
            }
            Thread.onSpinWait();
        }
        while (pending.get() != 0) {
            LockSupport.parkNanos(this, 200_000L);
        }
    }

    /** Stops the worker threads. The pool must not be used afterwards. */
    @Override
    public void close() {
        shutdown = true;
        for (int i = 1; i < threads; i++) {
            LockSupport.unpark(workers[i]);
        }
    }

    private final class Worker extends Thread {
        final int id;
        volatile boolean parked;

        Worker(int id) {
            this.id = id;
        }

        @Override
        public void run() {
            int seen = 0; // generation is 0 until the first run()
            while (true) {
                int g = generation;
                if (g == seen) {
                    long start = System.nanoTime();
                    int spins = 0;
                    while ((g = generation) == seen) {
                        if (shutdown) {
                            return;
                        }
                        if ((++spins & 63) == 0 && System.nanoTime() - start > SPIN_NANOS) {
                            parked = true;
                            // re-check after publishing 'parked' so a concurrent run() cannot be missed
                            if ((g = generation) != seen || shutdown) {
                                parked = false;
                                if (shutdown) {
                                    return;
                                }
                                break;
                            }
                            LockSupport.park(this);
                            parked = false;
                            start = System.nanoTime();
                        } else {
                            Thread.onSpinWait();
                        }
                    }
                }
                seen = g;
                Task t = task;
                try {
                    t.run(id, threads);
                } catch (Throwable e) {
                    failure = e;
                }
                if (pending.decrementAndGet() == 0) {
                    Thread w = waiter;
                    if (w != null) {
                        LockSupport.unpark(w);
                    }
                }
            }
        }
    }
}
