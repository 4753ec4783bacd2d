package org.tornadogpt.bench;

import org.tornadogpt.model.GptModel;
import org.tornadogpt.runtime.AdamWConfig;
import org.tornadogpt.runtime.Backend;
import org.tornadogpt.runtime.TrainingSession;

/**
 * One training step on a random batch: zero gradients, forward (training mode, no dropout),
 * backward, AdamW ({@code TrainingSession.step}). The model's parameters change; the bench gives
 * every row its own copy of the same initial weights.
 */
final class TrainStepWorkload implements Workload {
    private final TrainingSession session;
    private final int[] inputs, targets;
    private final long tokens;
    private final double flops;
    private float lastLoss = Float.NaN;

    TrainStepWorkload(GptModel model, Backend backend, int B, int T, long seed) {
        this.session = new TrainingSession(model, backend, B, T, AdamWConfig.defaults(), 0f, seed);
        int[][] batch = ForwardWorkload.randomBatch(model.config().vocabSize(), B * T, seed);
        inputs = batch[0];
        targets = batch[1];
        tokens = (long) B * T;
        flops = Flops.trainStep(model.config(), B, T);
    }

    @Override
    public long tokensPerStep() {
        return tokens;
    }

    @Override
    public double flopsPerStep() {
        return flops;
    }

    @Override
    public void step() {
        lastLoss = session.step(inputs, targets, 3e-4f);
        if (!Float.isFinite(lastLoss)) throw new IllegalStateException("training step gave a non-finite loss " + lastLoss);
    }

    @Override
    public double checkValue() {
        return lastLoss;
    }

    @Override
    public void close() {
        session.close();
    }
}
