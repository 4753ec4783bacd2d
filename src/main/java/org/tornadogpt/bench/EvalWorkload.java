package org.tornadogpt.bench;

import java.util.SplittableRandom;

import org.tornadogpt.eval.Evaluator;
import org.tornadogpt.model.GptModel;
import org.tornadogpt.runtime.Backend;

/**
 * What the eval command does, on B*T+1 random tokens in windows of T (B windows): one step is one
 * {@code Evaluator.evaluate} call, weights upload included.
 */
final class EvalWorkload implements Workload {
    private final Evaluator evaluator;
    private final int[] tokens;
    private final int T;
    private final long count;
    private final double flops;
    private double lastLoss = Double.NaN;

    EvalWorkload(GptModel model, Backend backend, int B, int T, long seed) {
        this.evaluator = new Evaluator(model, backend);
        this.T = T;
        SplittableRandom rng = new SplittableRandom(seed);
        tokens = new int[B * T + 1];
        for (int i = 0; i < tokens.length; i++) tokens[i] = rng.nextInt(model.config().vocabSize());
        count = (long) B * T;
        flops = Flops.forward(model.config(), B, T);
    }

    @Override
    public long tokensPerStep() {
        return count;
    }

    @Override
    public double flopsPerStep() {
        return flops;
    }

    @Override
    public void step() {
        lastLoss = evaluator.evaluate(tokens, T).loss();
    }

    @Override
    public double checkValue() {
        return lastLoss;
    }

    @Override
    public void close() {
        evaluator.close();
    }
}
