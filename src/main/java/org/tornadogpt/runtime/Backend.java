package org.tornadogpt.runtime;

import org.tornadogpt.graphs.Program;

/**
 * Runs programs of kernel launches. Implementations: {@link JvmBackend} (all cores of the JVM, the
 * default) and {@link TornadoBackend} (TaskGraphs and execution plans through the TornadoVM API).
 * A backend may cache per-program state (compiled plans, chunked argument lists) keyed by the
 * program's identity: build a program once and run it many times.
 */
public interface Backend extends AutoCloseable {

    /** Short name: "jvm" or "tornado". */
    String name();

    /** A human description (device, threads). */
    String description();

    /** Runs every launch of the program in order; returns when all results are visible to the host. */
    void run(Program program);

    /**
     * Declares programs that share device-resident buffers ({@link Program#persistOnDevice},
     * {@link Program#consumeFromDevice}), in the order their buffers first appear; call once, before
     * any of them runs. On TornadoVM they become the task graphs of one execution plan, so the
     * buffers stay on the device between them. Nothing to do where host and device share memory.
     */
    default void group(Program... programs) {}

    /**
     * Makes the current device values of buffers that {@code program} (or its group) keeps on the
     * device visible in the host arrays (checkpoints, inspection). Nothing to do on the JVM.
     */
    default void toHost(Program program, Object... buffers) {}

    /**
     * Forgets the compiled state of programs (and their group): TornadoVM frees the device copies,
     * so the next run copies the host arrays to the device again. Use after changing device-resident
     * buffers on the host (restoring a checkpoint) or to free a program that is no longer used.
     */
    default void release(Program... programs) {}

    @Override
    void close();
}
