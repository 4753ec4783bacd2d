package org.tornadogpt.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SamplerTest {

    private static float[] gaussian(int n, double scale, long seed) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextGaussian() * scale);
        }
        return a;
    }

    /** Token ids sorted by logit descending, lower index first on ties. */
    private static int[] ranking(float[] logits, int n) {
        return IntStream.range(0, n).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -logits[i]).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
    }

    private static Set<Integer> nonZero(double[] p) {
        Set<Integer> s = new HashSet<>();
        for (int i = 0; i < p.length; i++) {
            if (p[i] > 0) {
                s.add(i);
            }
        }
        return s;
    }

    private static int[] counts(Sampler s, float[] logits, int n, int draws) {
        int[] c = new int[n];
        for (int i = 0; i < draws; i++) {
            c[s.sample(logits, n)]++;
        }
        return c;
    }

    // ---------------------------------------------------------------- greedy

    @Test
    void greedyIsArgmaxWithLowestIndexOnTies() {
        Sampler g = Samplers.create(SamplerConfig.greedy());
        for (long seed = 0; seed < 20; seed++) {
            float[] l = gaussian(1000, 2, seed);
            assertEquals(ranking(l, 1000)[0], g.sample(l));
        }
        assertEquals(1, g.sample(new float[] {1, 3, 2, 3, 3}));
        assertEquals(2, g.sample(new float[] {Float.NaN, -1, 0, Float.NaN}));
        assertEquals(0, g.sample(new float[] {5, 1, 99}, 2), "logits beyond vocabSize are ignored");
        assertArrayEquals(new double[] {0, 1, 0}, Samplers.distribution(new float[] {0, 7, 7}, 3, SamplerConfig.greedy()));
    }

    @Test
    void topKOfOneIsArgmaxToo() {
        Sampler s = Samplers.create(new SamplerConfig(1.0, 1, 1, 0, 3));
        float[] l = gaussian(5000, 1, 9);
        int best = ranking(l, 5000)[0];
        for (int i = 0; i < 100; i++) {
            assertEquals(best, s.sample(l));
        }
    }

    // ---------------------------------------------------------------- top-k

    @Test
    void topKNeverEmitsATokenOutsideTheKMostLikely() {
        int n = 1000;
        int k = 10;
        float[] l = gaussian(n, 1.5, 11);
        Set<Integer> top = new HashSet<>();
        int[] rank = ranking(l, n);
        for (int j = 0; j < k; j++) {
            top.add(rank[j]);
        }
        Sampler s = Samplers.create(new SamplerConfig(2.0, k, 1, 0, 42));
        int[] c = counts(s, l, n, 20_000);
        for (int i = 0; i < n; i++) {
            if (!top.contains(i)) {
                assertEquals(0, c[i], "token " + i + " is outside the top " + k);
            } else {
                assertTrue(c[i] > 0, "every top-k token gets drawn at this temperature: " + i);
            }
        }
        assertEquals(top, nonZero(Samplers.distribution(l, n, new SamplerConfig(2.0, k, 1, 0, 0))));
    }

    @Test
    void topKAtGpt2VocabularyWithPaddedLogits() {
        int vocab = 50257;
        float[] l = Arrays.copyOf(gaussian(vocab, 3, 5), 50304);
        Arrays.fill(l, vocab, l.length, 100f); // padding rows must be ignored
        int[] rank = ranking(l, vocab);
        Set<Integer> top = new HashSet<>();
        for (int j = 0; j < 40; j++) {
            top.add(rank[j]);
        }
        Sampler s = Samplers.create(new SamplerConfig(1.0, 40, 1, 0, 1));
        for (int i = 0; i < 5000; i++) {
            int t = s.sample(l, vocab);
            assertTrue(top.contains(t), "token " + t);
        }
    }

    @Test
    void topKBoundaryTiesPreferLowerIndices() {
        float[] l = new float[10]; // all equal
        assertEquals(Set.of(0, 1, 2), nonZero(Samplers.distribution(l, 10, new SamplerConfig(1, 3, 1, 0, 0))));
        float[] m = {0, 5, 1, 5, 5, 2};
        assertEquals(Set.of(1, 3), nonZero(Samplers.distribution(m, 6, new SamplerConfig(1, 2, 1, 0, 0))));
    }

    // ---------------------------------------------------------------- top-p

    /** Probabilities 0.05, 0.5, 0.1, 0.2, 0.15 at token ids 0..4 (sorted: 1, 3, 4, 2, 0). */
    private static final float[] KNOWN = logOf(0.05, 0.5, 0.1, 0.2, 0.15);

    private static float[] logOf(double... p) {
        float[] l = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            l[i] = (float) Math.log(p[i]);
        }
        return l;
    }

    @Test
    void topPKeepsExactlyTheSmallestSetReachingP() {
        Object[][] cases = {
            {0.45, Set.of(1)},
            {0.69, Set.of(1, 3)},
            {0.71, Set.of(1, 3, 4)},
            {0.8, Set.of(1, 3, 4)},
            {0.84, Set.of(1, 3, 4)},
            {0.86, Set.of(1, 3, 4, 2)},
            {0.94, Set.of(1, 3, 4, 2)},
            {0.96, Set.of(0, 1, 2, 3, 4)},
            {1.0, Set.of(0, 1, 2, 3, 4)},
        };
        for (Object[] c : cases) {
            double p = (Double) c[0];
            double[] d = Samplers.distribution(KNOWN, 5, new SamplerConfig(1, 0, p, 0, 0));
            assertEquals(c[1], nonZero(d), "top-p " + p);
        }
        double[] d = Samplers.distribution(KNOWN, 5, new SamplerConfig(1, 0, 0.8, 0, 0));
        assertEquals(0.5 / 0.85, d[1], 1e-6);
        assertEquals(0.2 / 0.85, d[3], 1e-6);
        assertEquals(0.15 / 0.85, d[4], 1e-6);
    }

    @Test
    void topPDrawsOnlyFromTheNucleusWithRenormalisedFrequencies() {
        Sampler s = Samplers.create(new SamplerConfig(1, 0, 0.8, 0, 2024));
        int draws = 40_000;
        int[] c = counts(s, KNOWN, 5, draws);
        assertEquals(0, c[0]);
        assertEquals(0, c[2]);
        assertEquals(0.5 / 0.85, c[1] / (double) draws, 0.015);
        assertEquals(0.2 / 0.85, c[3] / (double) draws, 0.015);
        assertEquals(0.15 / 0.85, c[4] / (double) draws, 0.015);
    }

    /** Straightforward reference: full sort, softmax in double, cumulative cut, min-p, renormalise. */
    private static double[] reference(float[] l, int n, SamplerConfig cfg) {
        int[] rank = ranking(l, n);
        int m = cfg.topK() > 0 ? Math.min(cfg.topK(), n) : n;
        double max = l[rank[0]];
        double[] w = new double[m];
        double total = 0;
        for (int j = 0; j < m; j++) {
            w[j] = Math.exp((l[rank[j]] - max) / cfg.temperature());
            total += w[j];
        }
        int keep = m;
        if (cfg.topP() < 1) {
            double cum = 0;
            for (int j = 0; j < m; j++) {
                cum += w[j] / total;
                if (cum >= cfg.topP()) {
                    keep = j + 1;
                    break;
                }
            }
        }
        double[] p = new double[n];
        double sum = 0;
        for (int j = 0; j < keep; j++) {
            if (w[j] >= cfg.minP() * w[0]) {
                p[rank[j]] = w[j];
                sum += w[j];
            }
        }
        for (int i = 0; i < n; i++) {
            p[i] /= sum;
        }
        return p;
    }

    @Test
    void filtersMatchAFullSortReferenceAtGpt2Size() {
        int n = 50257;
        float[] l = gaussian(n, 2.5, 77);
        SamplerConfig[] cfgs = {
            new SamplerConfig(1.0, 0, 0.9, 0, 0),
            new SamplerConfig(0.7, 0, 0.5, 0, 0),
            new SamplerConfig(1.3, 0, 0.99, 0, 0),
            new SamplerConfig(1.0, 50, 0.9, 0, 0),
            new SamplerConfig(1.0, 0, 0.95, 0.05, 0),
            new SamplerConfig(0.8, 200, 1, 0.1, 0),
            new SamplerConfig(1.0, 0, 1, 0, 0),
        };
        for (SamplerConfig cfg : cfgs) {
            double[] expected = reference(l, n, cfg);
            double[] actual = Samplers.distribution(l, n, cfg);
            assertEquals(nonZero(expected), nonZero(actual), cfg.toString());
            for (int i = 0; i < n; i++) {
                assertEquals(expected[i], actual[i], 1e-9, cfg + " token " + i);
            }
        }
    }

    // ---------------------------------------------------------------- min-p

    @Test
    void minPDropsTokensBelowAFractionOfTheBest() {
        float[] l = logOf(0.5, 0.3, 0.1, 0.05, 0.05);
        assertEquals(Set.of(0, 1, 2), nonZero(Samplers.distribution(l, 5, new SamplerConfig(1, 0, 1, 0.15, 0))));
        assertEquals(Set.of(0, 1), nonZero(Samplers.distribution(l, 5, new SamplerConfig(1, 0, 1, 0.25, 0))));
        assertEquals(Set.of(0), nonZero(Samplers.distribution(l, 5, new SamplerConfig(1, 0, 1, 1, 0))));
    }

    // ---------------------------------------------------------------- temperature

    private static double entropy(int[] c, int draws) {
        double h = 0;
        for (int x : c) {
            if (x > 0) {
                double p = x / (double) draws;
                h -= p * Math.log(p);
            }
        }
        return h;
    }

    @Test
    void lowerTemperatureSharpensTheEmpiricalDistribution() {
        float[] l = gaussian(50, 1, 3);
        int draws = 30_000;
        double[] temps = {0.25, 0.5, 1.0, 2.0, 4.0};
        double prevEntropy = -1;
        double prevMax = 2;
        for (double t : temps) {
            int[] c = counts(Samplers.create(SamplerConfig.of(t, 99)), l, 50, draws);
            double h = entropy(c, draws);
            double maxFreq = Arrays.stream(c).max().orElseThrow() / (double) draws;
            assertTrue(h > prevEntropy, "entropy grows with temperature: T=" + t + " H=" + h + " prev " + prevEntropy);
            assertTrue(maxFreq < prevMax, "top frequency falls with temperature: T=" + t);
            prevEntropy = h;
            prevMax = maxFreq;
        }
        assertTrue(prevEntropy > 0.9 * Math.log(50), "T=4 is close to uniform: " + prevEntropy);
    }

    @Test
    void empiricalFrequenciesFollowTheSoftmax() {
        float[] l = {2f, 1f, 0f, -1f};
        double t = 0.7;
        double[] p = new double[4];
        double z = 0;
        for (int i = 0; i < 4; i++) {
            p[i] = Math.exp(l[i] / t);
            z += p[i];
        }
        int draws = 40_000;
        int[] c = counts(Samplers.create(SamplerConfig.of(t, 5)), l, 4, draws);
        for (int i = 0; i < 4; i++) {
            assertEquals(p[i] / z, c[i] / (double) draws, 0.012, "token " + i);
        }
    }

    // ---------------------------------------------------------------- determinism

    @Test
    void sameSeedGivesTheSameSequence() {
        float[] l = gaussian(5000, 1, 8);
        SamplerConfig cfg = new SamplerConfig(0.9, 100, 0.95, 0.01, 1234);
        Sampler a = Samplers.create(cfg);
        Sampler b = Samplers.create(cfg);
        Sampler other = Samplers.create(cfg.withSeed(1235));
        int[] sa = new int[500];
        int[] sb = new int[500];
        int[] so = new int[500];
        for (int i = 0; i < 500; i++) {
            sa[i] = a.sample(l);
            sb[i] = b.sample(l);
            so[i] = other.sample(l);
        }
        assertArrayEquals(sa, sb);
        assertNotEquals(Arrays.toString(sa), Arrays.toString(so));
    }

    // ---------------------------------------------------------------- edge cases

    @Test
    void nanAndInfinities() {
        Sampler s = Samplers.create(SamplerConfig.of(1, 0));
        float[] l = {Float.NaN, 0, Float.POSITIVE_INFINITY, 3, Float.POSITIVE_INFINITY};
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            seen.add(s.sample(l));
        }
        assertEquals(Set.of(2, 4), seen, "+inf tokens take all the mass");
        float[] m = {Float.NaN, Float.NEGATIVE_INFINITY, 1, Float.NaN};
        for (int i = 0; i < 50; i++) {
            assertEquals(2, s.sample(m));
        }
        float[] none = {Float.NaN, Float.NEGATIVE_INFINITY};
        assertThrows(IllegalArgumentException.class, () -> s.sample(none));
        assertThrows(IllegalArgumentException.class, () -> Samplers.create(SamplerConfig.greedy()).sample(none));
        assertThrows(IllegalArgumentException.class, () -> s.sample(new float[3], 4));
        assertThrows(IllegalArgumentException.class, () -> s.sample(new float[3], 0));
        // a tiny temperature behaves like argmax without overflowing
        Sampler cold = Samplers.create(SamplerConfig.of(1e-30, 1));
        assertEquals(1, cold.sample(new float[] {1f, 1.0001f, -5f}));
    }

    @Test
    void configValidation() {
        assertThrows(IllegalArgumentException.class, () -> new SamplerConfig(-1, 0, 1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new SamplerConfig(Double.NaN, 0, 1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new SamplerConfig(1, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new SamplerConfig(1, 0, Double.NaN, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new SamplerConfig(1, 0, 1, 1.5, 0));
        assertTrue(SamplerConfig.greedy().isGreedy());
        assertEquals(new SamplerConfig(0.8, 40, 0.95, 0.05, 7),
                SamplerConfig.of(0.8, 7).withTopK(40).withTopP(0.95).withMinP(0.05));
        // topP > 1 and topK <= 0 disable the filters
        float[] l = gaussian(100, 1, 2);
        assertArrayEquals(Samplers.distribution(l, 100, SamplerConfig.of(1, 0)),
                Samplers.distribution(l, 100, new SamplerConfig(1, -5, 2.0, 0, 0)));
    }

    @Test
    void samplesStayInsideTheFiltersAtGpt2Vocabulary() {
        // at the real vocabulary size (the selection paths differ from small vocabularies):
        // top-k 40 draws only among the 40 largest logits, top-p 0.9 only inside the nucleus
        int vocab = 50257;
        float[] l = gaussian(vocab, 3, 12);
        Integer[] order = IntStream.range(0, vocab).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> -l[i]));
        Set<Integer> top40 = new HashSet<>(Arrays.asList(order).subList(0, 40));
        double[] p = Samplers.distribution(l, vocab, SamplerConfig.of(1, 0));
        Set<Integer> nucleus = new HashSet<>();
        double mass = 0;
        for (int r = 0; r < vocab && mass < 0.9; r++) {
            nucleus.add(order[r]);
            mass += p[order[r]];
        }
        Sampler topK = Samplers.create(new SamplerConfig(0.8, 40, 0.95, 0, 1));
        Sampler topP = Samplers.create(new SamplerConfig(1.0, 0, 0.9, 0, 1));
        Set<Integer> seenK = new HashSet<>(), seenP = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            int k = topK.sample(l, vocab), q = topP.sample(l, vocab);
            assertTrue(top40.contains(k), "top-k drew id " + k + " outside the 40 largest logits");
            assertTrue(nucleus.contains(q), "top-p drew id " + q + " outside the 0.9 nucleus");
            seenK.add(k);
            seenP.add(q);
        }
        assertTrue(seenK.size() > 5 && seenP.size() > 5, "samplers drew too few distinct ids: " + seenK.size() + ", " + seenP.size());
    }
}
