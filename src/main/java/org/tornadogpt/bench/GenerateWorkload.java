package org.tornadogpt.bench;

import java.util.SplittableRandom;

import org.tornadogpt.model.GptModel;
import org.tornadogpt.runtime.Backend;
import org.tornadogpt.sample.GenerationConfig;
import org.tornadogpt.sample.Generator;

/**
 * What the generate command does: greedy generation with the KV cache from a random prompt of T
 * tokens, {@code B} new tokens per step (one prefill, then B-1 decode steps). Tokens/s counts the
 * new tokens.
 */
final class GenerateWorkload implements Workload {
    private final Generator generator;
    private final int[] prompt;
    private final GenerationConfig gc;
    private final long newTokens;
    private final double flops;
    private double last = Double.NaN;

    GenerateWorkload(GptModel model, Backend backend, int B, int T, long seed) {
        if (T + B > model.config().contextLength())
            throw new IllegalArgumentException("generate: prompt " + T + " + new tokens " + B + " exceed the context length " + model.config().contextLength());
        this.generator = new Generator(model, backend);
        SplittableRandom rng = new SplittableRandom(seed);
        prompt = new int[T];
        for (int i = 0; i < T; i++) prompt[i] = rng.nextInt(model.config().vocabSize());
        gc = GenerationConfig.greedy(B).withoutEos();
        newTokens = B;
        flops = Flops.generate(model.config(), T, B);
    }

    @Override
    public long tokensPerStep() {
        return newTokens;
    }

    @Override
    public double flopsPerStep() {
        return flops;
    }

    @Override
    public void step() {
        int[] out = generator.generate(prompt, gc, null);
        last = out[out.length - 1];
    }

    /** The last generated token id (greedy: the same on every backend unless logits tie). */
    @Override
    public double checkValue() {
        return last;
    }

    @Override
    public void close() {
        generator.close();
    }
}
