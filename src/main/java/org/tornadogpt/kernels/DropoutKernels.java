package org.tornadogpt.kernels;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Inverted dropout from a counter-based RNG: whether element {@code idx} of dropout site
 * {@code site} is kept at step {@code t} is a pure function of (seed, t, site, idx), so the backward
 * pass regenerates the mask instead of storing it, and every backend (any thread count, any
 * device) draws the same masks.
 *
 * <p>The draw: {@code h = mix(idx ^ mix(site ^ mix(step ^ mix(seedLo ^ mix(seedHi)))))} with the
 * 32-bit integer finaliser {@link #mix}; the element is kept when its top 24 bits
 * {@code h >>> 8} are at least {@code threshold = round(p * 2^24)}, and a kept element is scaled
 * by {@code 2^24 / (2^24 - threshold)} = 1 / (1 - p). With threshold 0 every element is kept with
 * scale exactly 1, so rate 0 reproduces the dropout-free numbers bit for bit.
 *
 * <p>Sites: 0 is the embedding sum; layer l uses {@link #attentionSite}, {@link #attnProjSite} and
 * {@link #mlpSite}. Indices are element indices within the site's tensor for one layer: (B, T, C)
 * for the embedding and the two residual branches, (B, NH, T, T) for attention probabilities.
 */
public final class DropoutKernels {
    private DropoutKernels() {}

    public static final int EMBEDDING_SITE = 0;

    public static int attentionSite(int layer) {
        return 1 + 3 * layer;
    }

    public static int attnProjSite(int layer) {
        return 2 + 3 * layer;
    }

    public static int mlpSite(int layer) {
        return 3 + 3 * layer;
    }

    /** The 24-bit threshold for rate p in [0, 1). */
    public static int threshold(double p) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + p);
        return (int) Math.round(p * (1 << 24));
    }

    /** A 32-bit integer hash with good avalanche (xor-shift-multiply finaliser). */
    public static int mix(int x) {
        // (h >> s) & mask is h >>> s: TornadoVM 5.2's OpenCL backend emits >>> on int as a signed >>
        // (seen on PoCL), which gave other dropout masks on the device than on the JVM
        int h = x;
        h ^= (h >> 16) & 0xFFFF;
        h *= 0x7feb352d;
        h ^= (h >> 15) & 0x1FFFF;
        h *= 0x846ca68b;
        h ^= (h >> 16) & 0xFFFF;
        return h;
    }

    /**
     * The factor dropout applies to element idx of a site: 0 when dropped, 1/(1-p) when kept;
     * exactly 1 when {@code threshold == 0}. Reads STEP, SEED_LO, SEED_HI, DROP_THRESHOLD of
     * {@code state} ({@link StepSlots}).
     */
    public static float keepScale(IntArray state, int site, int idx) {
        int threshold = state.get(StepSlots.DROP_THRESHOLD);
        float scale = 1f;
        if (threshold != 0) {
            int key = mix(site ^ mix(state.get(StepSlots.STEP) ^ mix(state.get(StepSlots.SEED_LO) ^ mix(state.get(StepSlots.SEED_HI)))));
            int bits = (mix(idx ^ key) >> 8) & 0xFFFFFF; // mix(..) >>> 8, see mix
            scale = 0f;
            if (bits >= threshold) {
                scale = 16777216f / (16777216 - threshold);
            }
        }
        return scale;
    }

    /** In place: x[xOff + idx] *= keepScale(site, idx). One thread per element: n = elements of the site. */
    public static void forward(int first, int count, FloatArray x, int xOff, IntArray state, int site) {
        for (@Parallel int i = 0; i < count; i++) {
            int idx = first + i;
            x.set(xOff + idx, x.get(xOff + idx) * keepScale(state, site, idx));
        }
    }

    /**
     * In place: dx[dxOff + idx] *= keepScale(site, idx) (the mask and scale of the forward pass at
     * the same step, regenerated). One thread per element.
     */
    public static void backward(int first, int count, FloatArray dx, int dxOff, IntArray state, int site) {
        for (@Parallel int i = 0; i < count; i++) {
            int idx = first + i;
            dx.set(dxOff + idx, dx.get(dxOff + idx) * keepScale(state, site, idx));
        }
    }
}
