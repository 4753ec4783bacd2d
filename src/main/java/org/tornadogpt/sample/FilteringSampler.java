package org.tornadogpt.sample;

import java.util.Arrays;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Temperature, top-k, top-p and min-p, applied in that order (each on the distribution left by the
 * previous one, as Hugging Face's logits warpers do), then a draw proportional to the remaining weights.
 *
 * <p>Cost per token at vocabulary size V: O(V) to scan the logits, plus O(V log k) with a k-element
 * heap for top-k (no full sort), plus, for top-p without top-k, a sort of only the tokens that can be
 * in the nucleus (tokens with probability below {@code (1 - p) / (V - 1)} cannot be and are dropped
 * first). Weights are {@code exp((logit - max) / T)} in double precision.
 *
 * <p>Candidates are ordered by logit descending and index ascending ("sort key"), which fixes the tie
 * breaking at the top-k and top-p boundaries: the lower index wins.
 */
final class FilteringSampler implements Sampler {

    private final SamplerConfig config;
    private final RandomGenerator rng;
    private final double invTemperature;

    // scratch, grown on demand: candidate token ids, their weights, and sort keys
    private int[] idx = new int[0];
    private double[] w = new double[0];
    private long[] keys = new long[0];

    FilteringSampler(SamplerConfig config, RandomGenerator rng) {
        if (config.isGreedy()) {
            throw new IllegalArgumentException("temperature 0 is greedy");
        }
        this.config = config;
        this.rng = rng;
        this.invTemperature = 1.0 / config.temperature();
    }

    static void checkArgs(float[] logits, int vocabSize) {
        Objects.requireNonNull(logits, "logits");
        if (vocabSize < 1 || vocabSize > logits.length) {
            throw new IllegalArgumentException("vocabSize " + vocabSize + " not in [1, " + logits.length + "]");
        }
    }

    /** Maps a float to an int whose signed order is the float's order (-0.0 just below +0.0). */
    private static int sortable(float f) {
        int bits = Float.floatToRawIntBits(f);
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }

    /** Ascending keys = logit descending, then index ascending. */
    private static long key(float logit, int index) {
        return ((long) ~sortable(logit) << 32) | index;
    }

    private static int keyIndex(long key) {
        return (int) key;
    }

    private void ensureCapacity(int n) {
        if (idx.length < n) {
            idx = new int[n];
            w = new double[n];
            keys = new long[n];
        }
    }

    int index(int j) {
        return idx[j];
    }

    double weight(int j) {
        return w[j];
    }

    /**
     * Runs all filters; afterwards {@code idx[0..m)} are the surviving tokens and {@code w[0..m)} their
     * unnormalised probabilities (all > 0). Returns {@code m >= 1}.
     */
    int filter(float[] logits, int n) {
        checkArgs(logits, n);
        ensureCapacity(n);
        int k = config.topK();
        boolean sorted;
        int m;
        if (k > 0 && k < n) {
            m = selectTopK(logits, n, k);
            sorted = true;
        } else {
            m = 0;
            for (int i = 0; i < n; i++) {
                float v = logits[i];
                if (v > Float.NEGATIVE_INFINITY) { // excludes NaN and -inf
                    idx[m++] = i;
                }
            }
            sorted = false;
        }
        if (m == 0) {
            throw new IllegalArgumentException("no finite logit among the first " + n);
        }
        m = computeWeights(logits, m);

        if (config.topP() < 1 && m > 1) {
            double total = 0;
            for (int j = 0; j < m; j++) {
                total += w[j];
            }
            m = sorted ? cutNucleus(m, total) : selectNucleus(logits, m, total);
        }
        if (config.minP() > 0 && m > 1) {
            double max = 0;
            for (int j = 0; j < m; j++) {
                max = Math.max(max, w[j]);
            }
            double threshold = config.minP() * max;
            int kept = 0;
            for (int j = 0; j < m; j++) {
                if (w[j] >= threshold) {
                    idx[kept] = idx[j];
                    w[kept] = w[j];
                    kept++;
                }
            }
            m = kept;
        }
        return m;
    }

    /** Top-k by a bounded max-heap of keys (the root is the worst kept candidate), then the k keys sorted. */
    private int selectTopK(float[] logits, int n, int k) {
        long[] heap = keys;
        int size = 0;
        for (int i = 0; i < n; i++) {
            float v = logits[i];
            if (!(v > Float.NEGATIVE_INFINITY)) {
                continue;
            }
            long key = key(v, i);
            if (size < k) {
                // sift up
                int c = size++;
                while (c > 0) {
                    int parent = (c - 1) >>> 1;
                    if (heap[parent] >= key) {
                        break;
                    }
                    heap[c] = heap[parent];
                    c = parent;
                }
                heap[c] = key;
            } else if (key < heap[0]) {
                // replace the root and sift down
                int c = 0;
                while (true) {
                    int child = 2 * c + 1;
                    if (child >= size) {
                        break;
                    }
                    if (child + 1 < size && heap[child + 1] > heap[child]) {
                        child++;
                    }
                    if (heap[child] <= key) {
                        break;
                    }
                    heap[c] = heap[child];
                    c = child;
                }
                heap[c] = key;
            }
        }
        Arrays.sort(heap, 0, size);
        for (int j = 0; j < size; j++) {
            idx[j] = keyIndex(heap[j]);
        }
        return size;
    }

    /** w[j] = exp((logit - max) / T) for the candidates; drops candidates whose weight underflows to 0. */
    private int computeWeights(float[] logits, int m) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < m; j++) {
            max = Math.max(max, logits[idx[j]]);
        }
        int kept = 0;
        if (max == Float.POSITIVE_INFINITY) {
            // +inf logits take all the mass, shared equally
            for (int j = 0; j < m; j++) {
                if (logits[idx[j]] == Float.POSITIVE_INFINITY) {
                    idx[kept] = idx[j];
                    w[kept++] = 1;
                }
            }
            return kept;
        }
        for (int j = 0; j < m; j++) {
            double wj = Math.exp(((double) logits[idx[j]] - max) * invTemperature);
            if (wj > 0) {
                idx[kept] = idx[j];
                w[kept++] = wj;
            }
        }
        return kept; // >= 1: the max has weight 1
    }

    /**
     * Top-p on unsorted candidates by a weighted quickselect over the sort keys: moves the nucleus (the
     * shortest prefix, in key order, whose mass reaches {@code topP * total}) to {@code [0, cut)} in expected
     * O(m) time, without sorting it, and returns {@code cut}.
     */
    private int selectNucleus(float[] logits, int m, double total) {
        for (int j = 0; j < m; j++) {
            keys[j] = key(logits[idx[j]], idx[j]);
        }
        double need = config.topP() * total; // mass still needed from the sorted order of [lo, hi)
        // invariant: [0, lo) is in the nucleus, [hi, m) is not, [lo, hi) is undecided
        int lo = 0;
        int hi = m;
        int cut = m;
        while (lo < hi) {
            if (hi - lo <= 16) {
                insertionSort(lo, hi);
                double cum = 0;
                cut = hi; // only through rounding: everything left
                for (int j = lo; j < hi; j++) {
                    cum += w[j];
                    if (cum >= need) {
                        cut = j + 1;
                        break;
                    }
                }
                break;
            }
            long pivot = medianOfThree(keys[lo], keys[(lo + hi) >>> 1], keys[hi - 1]);
            // partition: keys < pivot (more likely) to [lo, a), the pivot to a, keys > pivot to (a, hi)
            int a = lo;
            double better = 0;
            for (int j = lo; j < hi; j++) {
                if (keys[j] < pivot) {
                    better += w[j];
                    swap(a++, j);
                }
            }
            for (int j = a; j < hi; j++) {
                if (keys[j] == pivot) {
                    swap(a, j);
                    break;
                }
            }
            if (better >= need) {
                hi = a;
                cut = a; // if rounding exhausts [lo, hi), the whole better part
            } else if (better + w[a] >= need) {
                cut = a + 1;
                break;
            } else {
                need -= better + w[a];
                lo = a + 1;
                cut = hi; // if rounding exhausts [lo, hi), everything up to hi
            }
        }
        for (int j = 0; j < cut; j++) {
            idx[j] = keyIndex(keys[j]);
        }
        return cut;
    }

    private static long medianOfThree(long x, long y, long z) {
        return Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
    }

    private void swap(int i, int j) {
        long k = keys[i];
        keys[i] = keys[j];
        keys[j] = k;
        double t = w[i];
        w[i] = w[j];
        w[j] = t;
    }

    private void insertionSort(int lo, int hi) {
        for (int i = lo + 1; i < hi; i++) {
            for (int j = i; j > lo && keys[j - 1] > keys[j]; j--) {
                swap(j - 1, j);
            }
        }
    }

    /** Keeps the shortest prefix of the sorted candidates whose mass reaches topP of {@code total}. */
    private int cutNucleus(int m, double total) {
        double target = config.topP() * total;
        double cum = 0;
        for (int j = 0; j < m; j++) {
            cum += w[j];
            if (cum >= target) {
                return j + 1;
            }
        }
        return m; // only through rounding: keep the whole (pre-filtered) set
    }

    @Override
    public int sample(float[] logits, int vocabSize) {
        int m = filter(logits, vocabSize);
        if (m == 1) {
            return idx[0];
        }
        double total = 0;
        for (int j = 0; j < m; j++) {
            total += w[j];
        }
        double u = rng.nextDouble() * total;
        double cum = 0;
        for (int j = 0; j < m; j++) {
            cum += w[j];
            if (u < cum) {
                return idx[j];
            }
        }
        return idx[m - 1];
    }

    @Override
    public String toString() {
        return "FilteringSampler" + config;
    }
}
