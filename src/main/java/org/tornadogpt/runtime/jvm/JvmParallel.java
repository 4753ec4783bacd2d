package org.tornadogpt.runtime.jvm;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed pool of worker threads for data-parallel kernels on the plain JVM.
 *
 * <p>{@link #run(Task)} executes one {@link Task} on every worker: worker 0 is the calling thread
 * itself, workers 1..n-1 are the pool's daemon threads. The call returns when all workers are done.
 * {@link #run(int, Chunks)} instead hands out chunks {@code 0..n-1} that the caller and the workers
 * claim in turn (an atomic ticket tagged with the call's generation, so a worker that wakes up late
 * can never take a chunk of a later call); it returns when every chunk is done, without waiting
 * for workers that never got to claim one, so a worker the operating system has not scheduled does
 * not hold up the call (the caller then does the work itself). Nothing is allocated per call: the
 * task is a reusable object (typically a preallocated job whose fields hold the arguments), workers
 * are woken by bumping a generation counter.
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

    /** Work cut into chunks: {@code chunk} in [0, chunks), {@code worker} in [0, threads) (0 is the caller). */
    @FunctionalInterface
    public interface Chunks {
        void run(int chunk, int worker);
    }

    /** How long an idle worker (or the waiting caller) spins before parking. */
    static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(Long.getLong("tornadogpt.spinMicros", 50));

    private static volatile JvmParallel common;

    private final int threads;
    private final Worker[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    // the current call, published seqlock-style: the caller makes generation odd, writes the
    // fields, then makes it even; a worker reads generation, the fields, and generation again
    private volatile int generation;
    private volatile Task task;
    private volatile Chunks chunks;
    private volatile int chunkCount;
    private final AtomicLong ticket = new AtomicLong(); // (generation << 32) | next chunk
    private final AtomicInteger chunksDone = new AtomicInteger();
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
        begin();
        try {
            failure = null;
            waiter = Thread.currentThread();
            int g = generation + 1; // odd: being written
            generation = g;
            task = t;
            chunks = null;
            pending.set(threads - 1);
            generation = g + 1; // even: published
            wakeWorkers();
            Throwable own = null;
            try {
                t.run(0, threads);
            } catch (Throwable e) {
                own = e;
            }
            awaitWorkers();
            task = null;
            rethrow(own != null ? own : failure);
        } finally {
            running = false;
        }
    }

    /**
     * Runs {@code body(i, worker)} for every chunk i in [0, n) on the caller and the workers, each
     * chunk exactly once, and returns when all are done (see the class comment). Any exception is
     * rethrown here after all claimed chunks have finished.
     */
    public void run(int n, Chunks body) {
        if (n <= 0) {
            return;
        }
        if (threads == 1 || n == 1) {
            for (int i = 0; i < n; i++) {
                body.run(i, 0);
            }
            return;
        }
        begin();
        try {
            failure = null;
            waiter = Thread.currentThread();
            int g = generation + 1;
            generation = g;
            task = null;
            chunks = body;
            chunkCount = n;
            chunksDone.set(0);
            ticket.set((long) (g + 1) << 32);
            generation = g + 1;
            wakeWorkers();
            drain(g + 1, body, n, 0);
            if (chunksDone.get() != n) {
                long start = System.nanoTime();
                int spins = 0;
                while (chunksDone.get() != n) {
                    if ((++spins & 63) == 0 && System.nanoTime() - start > SPIN_NANOS) {
                        LockSupport.parkNanos(this, 50_000L);
                    } else {
                        Thread.onSpinWait();
                    }
                }
            }
            // chunks stays set: a worker that wakes up late still reads this call consistently
            rethrow(failure);
        } finally {
            running = false;
        }
    }

    /** Claims and runs chunks of call {@code g} until none is left (or a later call began). */
    private void drain(int g, Chunks body, int n, int worker) {
        while (true) {
            long v = ticket.get();
            if ((int) (v >>> 32) != g) {
                return;
            }
            int i = (int) v;
            if (i >= n) {
                return;
            }
            if (!ticket.compareAndSet(v, v + 1)) {
                continue;
            }
            try {
                body.run(i, worker);
            } catch (Throwable e) {
                failure = e;
            } finally {
                chunksDone.incrementAndGet();
            }
        }
    }

    private void begin() {
        if (shutdown) {
            throw new IllegalStateException("pool is closed");
        }
        if (running) {
            throw new IllegalStateException("JvmParallel.run is not reentrant / not concurrent");
        }
        running = true;
    }

    private void wakeWorkers() {
        for (int i = 1; i < threads; i++) {
            if (workers[i].parked) {
                LockSupport.unpark(workers[i]);
            }
        }
    }

    private void rethrow(Throwable f) {
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
                if (g == seen || (g & 1) != 0) {
                    long start = System.nanoTime();
                    int spins = 0;
                    while ((g = generation) == seen || (g & 1) != 0) {
                        if (shutdown) {
                            return;
                        }
                        if ((++spins & 63) == 0 && System.nanoTime() - start > SPIN_NANOS) {
                            parked = true;
                            // re-check after publishing 'parked' so a concurrent run() cannot be missed
                            g = generation;
                            if ((g != seen && (g & 1) == 0) || shutdown) {
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
                Task t = task;
                Chunks c = chunks;
                int n = chunkCount;
                if (generation != g) {
                    continue; // a later call was being published meanwhile: read it again
                }
                seen = g;
                if (c != null) {
                    drain(g, c, n, id); // the caller waits for chunks, not for this worker
                    continue;
                }
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
