package org.tornadogpt.sample;

import java.util.Objects;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/** Factory for {@link Sampler}s. */
public final class Samplers {

    private Samplers() {
    }

    /**
     * A sampler for the config: greedy argmax when the temperature is 0, otherwise temperature, top-k,
     * top-p, min-p filtering and a draw from {@code new SplittableRandom(config.seed())}.
     */
    public static Sampler create(SamplerConfig config) {
        return create(config, new SplittableRandom(config.seed()));
    }

    /** As {@link #create(SamplerConfig)} but drawing from the given generator (the config's seed is unused). */
    public static Sampler create(SamplerConfig config, RandomGenerator rng) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(rng, "rng");
        return config.isGreedy() ? new GreedySampler() : new FilteringSampler(config, rng);
    }

    /** Index of the largest logit in {@code [0, vocabSize)}, lowest index on ties, NaN ignored. */
    public static int argmax(float[] logits, int vocabSize) {
        FilteringSampler.checkArgs(logits, vocabSize);
        int best = -1;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocabSize; i++) {
            float v = logits[i];
            if (v > max) { // false for NaN, and for ties: the first index wins
                max = v;
                best = i;
            }
        }
        if (best < 0) {
            throw new IllegalArgumentException("no finite logit among the first " + vocabSize);
        }
        return best;
    }

    /**
     * The distribution {@link #create(SamplerConfig)} would draw from, after all filters and
     * renormalisation: a new array of {@code vocabSize} probabilities summing to 1 (zero for filtered
     * tokens). For a greedy config it is one-hot at the argmax. Useful to inspect or test the filters.
     */
    public static double[] distribution(float[] logits, int vocabSize, SamplerConfig config) {
        double[] p = new double[vocabSize];
        if (config.isGreedy()) {
            p[argmax(logits, vocabSize)] = 1;
            return p;
        }
        FilteringSampler s = new FilteringSampler(config, new SplittableRandom(0));
        int m = s.filter(logits, vocabSize);
        double total = 0;
        for (int j = 0; j < m; j++) {
            total += s.weight(j);
        }
        for (int j = 0; j < m; j++) {
            p[s.index(j)] = s.weight(j) / total;
        }
        return p;
    }
}
