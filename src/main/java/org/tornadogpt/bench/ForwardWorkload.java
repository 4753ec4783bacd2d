package org.tornadogpt.bench;

import java.util.SplittableRandom;

import org.tornadogpt.model.GptModel;
import org.tornadogpt.runtime.Backend;
import org.tornadogpt.runtime.ModelRunner;

/**
 * Forward pass with the loss over a random batch of B sequences of T tokens (the program evaluation
 * and the first half of training run): one step = {@code ModelRunner.loss}.
 */
final class ForwardWorkload implements Workload {
    private final ModelRunner runner;
    private final int B, T;
    private final int[] inputs, targets;
    private final double flops;
    float lastLoss = Float.NaN;

    ForwardWorkload(GptModel model, Backend backend, int B, int T, long seed) {
        this.runner = new ModelRunner(model, backend);
        this.B = B;
        this.T = T;
        int[][] batch = randomBatch(model.config().vocabSize(), B * T, seed);
        inputs = batch[0];
        targets = batch[1];
        flops = Flops.forward(model.config(), B, T);
    }

    /** Random inputs and targets of n tokens each, from the seed. */
    static int[][] randomBatch(int V, int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] in = new int[n], tg = new int[n];
        for (int i = 0; i < n; i++) {
            in[i] = rng.nextInt(V);
            tg[i] = rng.nextInt(V);
        }
        return new int[][] {in, tg};
    }

    @Override
    public long tokensPerStep() {
        return (long) B * T;
    }

    @Override
    public double flopsPerStep() {
        return flops;
    }

    @Override
    public void step() {
        lastLoss = runner.loss(inputs, targets, B, T);
        if (!Float.isFinite(lastLoss)) throw new IllegalStateException("forward gave a non-finite loss " + lastLoss);
    }

    @Override
    public double checkValue() {
        return lastLoss;
    }

    @Override
    public void close() {
        // the runner's activations are freed with it; the backend is closed by the bench
    }
}
