package org.tornadogpt.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.tornadogpt.data.DeterministicRandom;

/** The sampler's filters and its randomness, measured over many seeded draws. */
class SamplersTest {
    static final int DRAWS = 20_000;

    static float[] randomLogits(int n, long seed) {
        DeterministicRandom r = new DeterministicRandom(seed);
        float[] l = new float[n];
        for (int i = 0; i < n; i++) l[i] = (float) (r.nextDouble() * 6 - 3);
        return l;
    }

    /** Logits whose softmax is exactly the given probabilities. */
    static float[] logitsOf(double... p) {
        float[] l = new float[p.length];
        for (int i = 0; i < p.length; i++) l[i] = (float) Math.log(p[i]);
        return l;
    }

    static int[] counts(SamplerConfig cfg, float[] logits) {
        Sampler s = Samplers.create(cfg);
        int[] c = new int[logits.length];
        for (int i = 0; i < DRAWS; i++) c[s.sample(logits, logits.length)]++;
        return c;
    }

    static Set<Integer> drawn(int[] counts) {
        Set<Integer> s = new TreeSet<>();
        for (int i = 0; i < counts.length; i++) if (counts[i] > 0) s.add(i);
        return s;
    }

    @Test
    void greedyIsArgmaxWithTheFirstIndexOnTies() {
        assertEquals(2, Samplers.argmax(new float[] {1, 3, 5, 5, -1}, 5));
        assertEquals(1, Samplers.argmax(new float[] {Float.NaN, 2, 1}, 3));
        Sampler g = Samplers.create(SamplerConfig.greedy());
        float[] l = randomLogits(1000, 1);
        int best = 0;
        for (int i = 1; i < l.length; i++) if (l[i] > l[best]) best = i;
        assertEquals(best, g.sample(l, l.length));
        assertEquals(best, Samplers.create(SamplerConfig.greedy().withTopK(3).withSeed(9)).sample(l, l.length));
    }

    @Test
    void topKNeverEmitsATokenOutsideTheKMostLikely() {
        for (int k : new int[] {1, 5, 17}) {
            float[] l = randomLogits(300, k);
            int[] order = Samplers.sortedByLogit(l, l.length);
            Set<Integer> topK = new TreeSet<>();
            for (int i = 0; i < k; i++) topK.add(order[i]);
            int[] c = counts(SamplerConfig.random(k).withTopK(k).withTemperature(3), l);
            assertEquals(topK, drawn(c), "k = " + k + ": every draw among the k most likely, and each of them drawn");
        }
        // only the first V entries count: a larger logit beyond V is never drawn
        float[] l = {0, 1, 2, 100};
        int[] c = new int[4];
        Sampler s = Samplers.create(SamplerConfig.random(3).withTopK(2));
        for (int i = 0; i < 1000; i++) c[s.sample(l, 3)]++;
        assertEquals(Set.of(1, 2), drawn(c));
    }

    @Test
    void topPKeepsTheSmallestSetWhoseMassReachesP() {
        float[] l = logitsOf(0.05, 0.5, 0.1, 0.3, 0.05);
        assertEquals(Set.of(1, 3), drawn(counts(SamplerConfig.random(1).withTopP(0.8), l)), "0.5 + 0.3 reaches 0.8");
        assertEquals(Set.of(1, 2, 3), drawn(counts(SamplerConfig.random(2).withTopP(0.81), l)), "0.81 needs the 0.1 token too");
        assertEquals(Set.of(1), drawn(counts(SamplerConfig.random(3).withTopP(0.5), l)));
        assertEquals(Set.of(0, 1, 2, 3, 4), drawn(counts(SamplerConfig.random(4).withTopP(1.0), l)));
        // inside the kept set the draws follow the renormalised probabilities: 0.5/0.8 and 0.3/0.8
        int[] c = counts(SamplerConfig.random(5).withTopP(0.8), l);
        assertEquals(0.625, c[1] / (double) DRAWS, 0.015);
        assertEquals(0.375, c[3] / (double) DRAWS, 0.015);
    }

    @Test
    void minPDropsTokensFarBelowTheMostLikely() {
        float[] l = logitsOf(0.05, 0.5, 0.1, 0.3, 0.05);
        assertEquals(Set.of(1, 3), drawn(counts(SamplerConfig.random(1).withMinP(0.3), l)), "threshold 0.3 * 0.5 = 0.15");
        assertEquals(Set.of(1, 2, 3), drawn(counts(SamplerConfig.random(1).withMinP(0.19), l)), "threshold 0.095");
    }

    @Test
    void drawsFollowTheSoftmaxAndLowerTemperatureSharpensThem() {
        float[] l = logitsOf(0.1, 0.2, 0.3, 0.4);
        double[] prevEntropy = {Double.MAX_VALUE};
        double prevTop = 0;
        for (double t : new double[] {2.0, 1.0, 0.5, 0.25}) {
            int[] c = counts(SamplerConfig.random(11).withTemperature(t), l);
            // expected: softmax(logits / t), i.e. p^(1/t) renormalised
            double z = 0;
            for (float x : l) z += Math.exp(x / t);
            double entropy = 0;
            for (int i = 0; i < l.length; i++) {
                double want = Math.exp(l[i] / t) / z;
                double got = c[i] / (double) DRAWS;
                assertEquals(want, got, 0.015, "temperature " + t + ", token " + i);
                if (got > 0) entropy -= got * Math.log(got);
            }
            double top = c[3] / (double) DRAWS;
            assertTrue(entropy < prevEntropy[0], "temperature " + t + " gives a sharper distribution (entropy " + entropy + ")");
            assertTrue(top > prevTop, "temperature " + t + " picks the most likely token more often");
            prevEntropy[0] = entropy;
            prevTop = top;
        }
    }

    @Test
    void sameSeedSameDrawsOtherSeedOtherDraws() {
        float[] l = randomLogits(500, 3);
        int[] a = new int[200], b = new int[200], c = new int[200];
        Sampler sa = Samplers.create(SamplerConfig.random(42).withTopP(0.95)), sb = Samplers.create(SamplerConfig.random(42).withTopP(0.95)),
                sc = Samplers.create(SamplerConfig.random(43).withTopP(0.95));
        for (int i = 0; i < a.length; i++) {
            a[i] = sa.sample(l, l.length);
            b[i] = sb.sample(l, l.length);
            c[i] = sc.sample(l, l.length);
        }
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void invalidSettingsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> SamplerConfig.random(1).withTemperature(-1));
        assertThrows(IllegalArgumentException.class, () -> SamplerConfig.random(1).withTopK(-2));
        assertThrows(IllegalArgumentException.class, () -> SamplerConfig.random(1).withTopP(0));
        assertThrows(IllegalArgumentException.class, () -> SamplerConfig.random(1).withTopP(1.5));
        assertThrows(IllegalArgumentException.class, () -> SamplerConfig.random(1).withMinP(1));
    }
}
