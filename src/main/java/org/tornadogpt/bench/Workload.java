package org.tornadogpt.bench;

/**
 * One benchmarked unit of work on one backend: {@link #step()} is timed, after warm-up steps. A
 * workload owns what it allocates (activations, optimizer state) and frees it in {@link #close()};
 * the backend is closed by whoever made it.
 */
public interface Workload extends AutoCloseable {

    /** Tokens processed by one step (for tokens/s). */
    long tokensPerStep();

    /** FLOPs of one step (for achieved GFLOP/s), see {@link Flops}. */
    double flopsPerStep();

    /** Runs one step; returns when its results are on the host. */
    void step();

    /** A number the step computed (the loss), to compare backends; NaN when there is none. */
    default double checkValue() {
        return Double.NaN;
    }

    @Override
    void close();
}
