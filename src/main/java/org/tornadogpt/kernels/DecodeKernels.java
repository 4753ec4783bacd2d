package org.tornadogpt.kernels;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Kernels of incremental decoding with a key/value cache: one new position per run, attending to
 * the keys and values of all earlier positions kept in the cache.
 *
 * <p>The new token and its position come from {@code step = [token id, position]}, an
 * {@link IntArray} the host writes before every run: TornadoVM captures primitive kernel arguments
 * when the task graph is built, so anything that changes between runs must be read from an array.
 * The cache holds, per layer, the keys and values of positions {@code 0 .. Tmax-1}:
 * {@code keys (L, Tmax, C)} and {@code values (L, Tmax, C)}, head h in channels h*hd .. (h+1)*hd-1.
 *
 * <p>Forward-only: decoding never runs the backward pass, so nothing is saved for it.
 */
public final class DecodeKernels {
    private DecodeKernels() {}

    /**
     * out[c] = wte[step[0], c] + wpe[step[1], c]. One thread per channel: n = C.
     *
     * @param out    (C)
     * @param step   (2) token id, position
     * @param params wte (V, C) at wteOff, wpe (Tmax, C) at wpeOff
     */
    public static void embed(int first, int count, FloatArray out, IntArray step, FloatArray params,
                             int wteOff, int wpeOff, int C) {
        for (@Parallel int i = 0; i < count; i++) {
            int c = first + i;
            int tok = step.get(0);
            int pos = step.get(1);
            out.set(c, params.get(wteOff + tok * C + c) + params.get(wpeOff + pos * C + c));
        }
    }

    /**
     * out[c] = src[step[1] * C + c]: the row of the last real position of a padded prefill. One thread
     * per channel: n = C.
     *
     * @param out  (C)
     * @param src  (T, C)
     * @param step (2); step[1] is the row
     */
    public static void copyRow(int first, int count, FloatArray out, FloatArray src, IntArray step, int C) {
        for (@Parallel int i = 0; i < count; i++) {
            int c = first + i;
            out.set(c, src.get(step.get(1) * C + c));
        }
    }

    /**
     * a[i] = a[i]: changes nothing, but makes TornadoVM copy {@code a} to the device and keep a device
     * buffer for it. TornadoVM 5.2 allocates device memory only for buffers a task of the graph
     * uses, so a graph that only transfers and persists a buffer leaves nothing for the graphs that
     * consume it; the upload program runs this on each buffer it puts on the device. n = 1.
     */
    public static void retain(int first, int count, FloatArray a) {
        for (@Parallel int i = 0; i < count; i++) {
            a.set(first + i, a.get(first + i));
        }
    }

    /** {@link #retain(int, int, FloatArray)} for an int buffer (e.g. the all-zero dropout state of inference). n = 1. */
    public static void retainInts(int first, int count, IntArray a) {
        for (@Parallel int i = 0; i < count; i++) {
            a.set(first + i, a.get(first + i));
        }
    }

    /** out[i] = value. Elementwise: n = the number of elements. */
    public static void fill(int first, int count, FloatArray out, float value) {
        for (@Parallel int i = 0; i < count; i++) {
            out.set(first + i, value);
        }
    }

    /**
     * Appends the new position's key and value to the cache: keys[cacheOff + pos*C + c] = k[c],
     * values[...] = v[c] with pos = step[1]. One thread per channel: n = C.
     *
     * @param keys   (L, Tmax, C); layer l starts at cacheOff = l*Tmax*C
     * @param values (L, Tmax, C)
     * @param qkv    (3C) at qkvOff: q, k, v of the new position
     * @param step   (2) token id, position
     */
    public static void storeKv(int first, int count, FloatArray keys, FloatArray values, int cacheOff,
                               FloatArray qkv, int qkvOff, IntArray step, int C) {
        for (@Parallel int i = 0; i < count; i++) {
            int c = first + i;
            int dst = cacheOff + step.get(1) * C + c;
            keys.set(dst, qkv.get(qkvOff + C + c));
            values.set(dst, qkv.get(qkvOff + 2 * C + c));
        }
    }

    /**
     * Copies the keys and values of positions 0..T-1 (a prefill of T tokens) into the cache. One
     * thread per (position, channel): n = T*C.
     *
     * @param keys   (L, Tmax, C); layer l starts at cacheOff = l*Tmax*C
     * @param values (L, Tmax, C)
     * @param qkv    (T, 3C) at qkvOff
     */
    public static void storeKvRows(int first, int count, FloatArray keys, FloatArray values, int cacheOff,
                                   FloatArray qkv, int qkvOff, int C) {
        for (@Parallel int i = 0; i < count; i++) {
            int idx = first + i;
            int t = idx / C;
            int c = idx - t * C;
            int src = qkvOff + t * 3 * C;
            keys.set(cacheOff + idx, qkv.get(src + C + c));
            values.set(cacheOff + idx, qkv.get(src + 2 * C + c));
        }
    }

    /**
     * Attention scores of the new position's query against every cached key: att[h, t2] =
     * q_h . k_h[t2] / sqrt(hd) for t2 &lt;= pos = step[1]. One thread per (head, cached position):
     * n = NH*Tmax; threads with t2 &gt; pos do nothing.
     *
     * @param att  (NH, Tmax) scores, turned into probabilities by {@link #attentionSoftmax}
     * @param qkv  (3C) at qkvOff: the query is channels 0..C-1
     * @param keys (L, Tmax, C) with this layer at cacheOff
     */
    public static void attentionScores(int first, int count, FloatArray att, FloatArray qkv, int qkvOff,
                                       FloatArray keys, int cacheOff, IntArray step, int C, int NH, int Tmax) {
        for (@Parallel int i = 0; i < count; i++) {
            int idx = first + i;        // h * Tmax + t2
            int h = idx / Tmax;
            int t2 = idx - h * Tmax;
            int pos = step.get(1);
            if (t2 <= pos) {
                int hd = C / NH;
                float scale = 1f / TornadoMath.sqrt((float) hd);
                int q = qkvOff + h * hd;
                int k = cacheOff + t2 * C + h * hd;
                float s = 0f;
                for (int d = 0; d < hd; d++) {
                    s += qkv.get(q + d) * keys.get(k + d);
                }
                att.set(idx, s * scale);
            }
        }
    }

    /**
     * Softmax of each head's scores over positions 0..pos, in place. One thread per head: n = NH.
     *
     * @param att (NH, Tmax)
     */
    public static void attentionSoftmax(int first, int count, FloatArray att, IntArray step, int Tmax) {
        for (@Parallel int i = 0; i < count; i++) {
            int h = first + i;
            int a = h * Tmax;
            int pos = step.get(1);
            float max = -3.4028235e38f;
            for (int t2 = 0; t2 <= pos; t2++) {
                max = TornadoMath.max(max, att.get(a + t2));
            }
            float sum = 0f;
            for (int t2 = 0; t2 <= pos; t2++) {
                float e = TornadoMath.exp(att.get(a + t2) - max);
                att.set(a + t2, e);
                sum += e;
            }
            float inv = 1f / sum;
            for (int t2 = 0; t2 <= pos; t2++) {
                att.set(a + t2, att.get(a + t2) * inv);
            }
        }
    }

    /**
     * out[c] = sum over t2 &lt;= pos of att[h, t2] * values[t2, c], h the head of channel c. One
     * thread per channel: n = C.
     *
     * @param out    (C)
     * @param att    (NH, Tmax) probabilities
     * @param values (L, Tmax, C) with this layer at cacheOff
     */
    public static void attentionValues(int first, int count, FloatArray out, FloatArray att, FloatArray values,
                                       int cacheOff, IntArray step, int C, int NH, int Tmax) {
        for (@Parallel int i = 0; i < count; i++) {
            int c = first + i;
            int h = c / (C / NH);
            int a = h * Tmax;
            int pos = step.get(1);
            float acc = 0f;
            for (int t2 = 0; t2 <= pos; t2++) {
                acc += att.get(a + t2) * values.get(cacheOff + t2 * C + c);
            }
            out.set(c, acc);
        }
    }
}
