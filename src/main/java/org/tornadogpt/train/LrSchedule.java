package org.tornadogpt.train;

/**
 * Learning rate per optimizer step, computed on the host ({@code it} is the 0-based index of the
 * step about to be taken, nanoGPT's {@code iter_num}).
 */
@FunctionalInterface
public interface LrSchedule {

    double lr(int it);

    /** The same rate at every step (the book's chapter 5 training). */
    static LrSchedule constant(double lr) {
        if (!(lr >= 0)) throw new IllegalArgumentException("learning rate must not be negative, got " + lr);
        return it -> lr;
    }

    /**
     * nanoGPT's {@code get_lr}: linear warmup {@code maxLr * (it + 1) / (warmupIters + 1)} for
     * {@code it < warmupIters}; then cosine decay from maxLr to {@code minLr} until
     * {@code decayIters}; {@code minLr} after it.
     */
    static LrSchedule warmupCosine(double maxLr, int warmupIters, int decayIters, double minLr) {
        if (!(maxLr >= 0 && minLr >= 0)) throw new IllegalArgumentException("learning rates must not be negative");
        if (warmupIters < 0) throw new IllegalArgumentException("warmup steps must not be negative, got " + warmupIters);
        if (decayIters <= warmupIters)
            throw new IllegalArgumentException("decay steps (" + decayIters + ") must be more than the warmup steps (" + warmupIters + ")");
        return it -> {
            if (it < warmupIters) return maxLr * (it + 1) / (warmupIters + 1);
            if (it > decayIters) return minLr;
            double ratio = (double) (it - warmupIters) / (decayIters - warmupIters);
            double coeff = 0.5 * (1.0 + Math.cos(Math.PI * ratio));
            return minLr + coeff * (maxLr - minLr);
        };
    }
}
