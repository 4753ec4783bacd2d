package org.tornadogpt.sample;

import java.util.Arrays;

import org.tornadogpt.data.DeterministicRandom;

/**
 * The samplers of {@link SamplerConfig}: argmax, and temperature / top-k / min-p / top-p sampling
 * from a seeded {@link DeterministicRandom} (the same on every JDK). Probabilities are computed in
 * double precision over the real vocabulary only.
 */
public final class Samplers {
    private Samplers() {}

    /** A new sampler; its random draws start from {@code cfg.seed()}. */
    public static Sampler create(SamplerConfig cfg) {
        if (cfg.isGreedy()) return Samplers::argmax;
        return new Filtered(cfg);
    }

    /** Index of the largest logit (the first one on ties, as torch.argmax). NaN logits are never chosen. */
    public static int argmax(float[] logits, int vocabSize) {
        int best = 0;
        float max = Float.NEGATIVE_INFINITY;
        boolean any = false;
        for (int i = 0; i < vocabSize; i++) {
            float v = logits[i];
            if (!any && !Float.isNaN(v) || v > max) {
                max = v;
                best = i;
                any = true;
            }
        }
        return best;
    }

    /**
     * Order key sorting by value, largest first, ties by lower index first: the high half is the
     * value's bits mapped to a signed int that orders like the float, inverted.
     */
    static long descendingKey(float value, int index) {
        int bits = Float.floatToIntBits(value);
        int ordered = bits ^ ((bits >> 31) & 0x7fffffff);
        return ((long) ~ordered << 32) | (index & 0xffffffffL);
    }

    /** The ids sorted by logit, largest first (ties: lower id first). */
    static int[] sortedByLogit(float[] logits, int n) {
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) keys[i] = descendingKey(logits[i], i);
        Arrays.sort(keys);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = (int) keys[i];
        return ids;
    }

    private static final class Filtered implements Sampler {
        private final SamplerConfig cfg;
        private final DeterministicRandom rng;

        Filtered(SamplerConfig cfg) {
            this.cfg = cfg;
            this.rng = new DeterministicRandom(cfg.seed());
        }

        @Override
        public int sample(float[] logits, int vocabSize) {
            boolean needOrder = cfg.topK() > 0 && cfg.topK() < vocabSize || cfg.topP() < 1;
            int[] ids;
            int n;
            if (needOrder) {
                ids = sortedByLogit(logits, vocabSize);
                n = cfg.topK() > 0 ? Math.min(cfg.topK(), vocabSize) : vocabSize;
            } else {
                ids = null;
                n = vocabSize;
            }
            // softmax of logits / temperature over the n candidates
            double invT = 1.0 / cfg.temperature();
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                float v = logits[ids == null ? j : ids[j]];
                if (!Float.isNaN(v)) max = Math.max(max, v * invT);
            }
            double[] p = new double[n];
            double sum = 0;
            for (int j = 0; j < n; j++) {
                float v = logits[ids == null ? j : ids[j]];
                double e = Float.isNaN(v) || max == Double.NEGATIVE_INFINITY ? 0 : Math.exp(v * invT - max);
                p[j] = e;
                sum += e;
            }
            if (!(sum > 0)) return argmax(logits, vocabSize); // all -inf or NaN: nothing to draw from
            double pmax = 0;
            for (int j = 0; j < n; j++) {
                p[j] /= sum;
                pmax = Math.max(pmax, p[j]);
            }
            if (cfg.minP() > 0) {
                double floor = cfg.minP() * pmax;
                for (int j = 0; j < n; j++) if (p[j] < floor) p[j] = 0;
            }
            if (cfg.topP() < 1) {
                // candidates are in descending order of logit, hence of probability
                double kept = 0, total = 0;
                for (int j = 0; j < n; j++) total += p[j];
                int last = n - 1;
                for (int j = 0; j < n; j++) {
                    kept += p[j];
                    if (kept >= cfg.topP() * total) {
                        last = j;
                        break;
                    }
                }
                for (int j = last + 1; j < n; j++) p[j] = 0;
            }
            double total = 0;
            for (int j = 0; j < n; j++) total += p[j];
            double u = rng.nextDouble() * total;
            int pick = -1;
            double acc = 0;
            for (int j = 0; j < n; j++) {
                if (p[j] == 0) continue;
                pick = j;
                acc += p[j];
                if (u < acc) break;
            }
            return ids == null ? pick : ids[pick];
        }
    }
}
