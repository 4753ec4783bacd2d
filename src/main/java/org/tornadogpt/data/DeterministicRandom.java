package org.tornadogpt.data;

/**
 * A small random generator (SplitMix64) whose output is fixed by its seed on every JDK, so that
 * shuffles and sampled offsets can be recomputed when a run resumes. {@link #derive} builds an
 * independent generator from several keys, e.g. {@code (seed, stream, epoch)}, which makes
 * "the permutation of epoch 7" a pure function instead of a state to save.
 *
 * <p>Not for cryptography; not thread-safe (create one per use, they are cheap).
 */
public final class DeterministicRandom {

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private long state;

    public DeterministicRandom(long seed) {
        this.state = seed;
    }

    /** A generator that depends on every key and their order. */
    public static DeterministicRandom derive(long... keys) {
        long h = 0x243F6A8885A308D3L; // any fixed odd start value
        for (long k : keys) {
            h = mix64(h ^ mix64(k + GOLDEN_GAMMA));
        }
        return new DeterministicRandom(h);
    }

    public long nextLong() {
        state += GOLDEN_GAMMA;
        return mix64(state);
    }

    /** Uniform in {@code [0, bound)}, without modulo bias. */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive: " + bound);
        }
        while (true) {
            long bits = nextLong() >>> 1;   // uniform in [0, 2^63)
            long value = bits % bound;
            // reject the last, incomplete run of 'bound' values below 2^63
            if (bits - value + (bound - 1) >= 0) {
                return (int) value;
            }
        }
    }

    /** Uniform in {@code [0, 1)} with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** A uniformly random permutation of {@code 0..n-1} (Fisher-Yates). */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
