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

    /** Drops whatever is cached for a program that will not run again (plans, chunked arguments). */
    default void forget(Program program) {}

    @Override
    void close();
}
