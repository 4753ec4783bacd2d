package org.tornadogpt.graphs;

import static org.tornadogpt.graphs.TaskNames.*;

import org.tornadogpt.kernels.DropoutKernels;
import org.tornadogpt.model.GptConfig;
import org.tornadogpt.model.GptModel;
import org.tornadogpt.model.ParameterLayout;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The forward-only programs of generation and evaluation, over one {@link InferenceBuffers}.
 * They form one group (one TornadoVM execution plan): {@link #buildUpload} runs first and leaves the
 * weights, the KV cache and the activations on the device; every other program consumes them from
 * there, sends only its token ids or step array, and brings back only logits or the loss.
 *
 * <pre>
 * prefill(T) over tokens[0..T), the prompt padded to a bucket length T; step[1] = last real row:
 *   tokens --encoder(wte, wpe)--> x                                              (T, C)
 *   for each layer l:
 *     x --ln1--> h --qkv--> qkv --kvstore--> cache[l, 0..T-1] ; qkv --attn--> y
 *     y --attproj--> a ; x = x + a ; x --ln2--> h --fc--> f --gelu--> g --fcproj--> m ; x = x + m
 *   x[step[1]] --lastrow--> r --lnf--> hf --logits(lm_head)--> lastLogits      (V)
 *
 * decode, one new position: step = [token, pos]:
 *   --embed(wte[token] + wpe[pos])--> x                                          (C)
 *   for each layer l:
 *     x --ln1--> h --qkv--> q,k,v --kvstore--> cache[l, pos]
 *     q . cache[l, 0..pos] keys --attscores--> s --attsoftmax--> p --attvalues(cache values)--> y
 *     y --attproj--> a ; x = x + a ; x --ln2--> h --fc--> f --gelu--> g --fcproj--> m ; x = x + m
 *   x --lnf--> hf --logits--> lastLogits                                        (V)
 *
 * loss(T), eval: like prefill without the cache, then every row:
 *   x --lnf--> hf --logits--> logits (T, V) --xent(targets)--> losses --meanloss--> loss
 * </pre>
 *
 * Positions and the last row come from the {@code step} array, sent on every run: TornadoVM
 * captures primitive kernel arguments when the graph is built, so one decode program serves every
 * position and one prefill program every prompt length up to its bucket. Causal attention makes
 * the padding after the prompt harmless: no real position attends to it, and a decode step
 * overwrites a padded position's cache entry before anything reads it.
 *
 * <p>The matrix products are separate launches with ids {@code <pre|dec>_l<l>_<qkv|attproj|fc|fcproj>}
 * and {@code <pre|dec>_logits} ({@link TaskNames#prefill}, {@link TaskNames#decode}); on the JVM,
 * {@code JvmBackend} runs them (and the attention and decode kernels) as Vector API fast paths.
 */
public final class InferenceGraphs {
    private InferenceGraphs() {}

    /**
     * Puts weights, cache and activations on the device; the first program of a group. The weights
     * are copied on every run, so running it again refreshes the device copy after the host changed
     * them; the activations and the cache only on the first run. Each buffer gets a task of its own
     * ({@code DecodeKernels.retain}, which changes nothing): TornadoVM 5.2 gives a graph device
     * memory only for the buffers its tasks use, and the later programs take these buffers over.
     */
    public static Program buildUpload(GptModel model, InferenceBuffers b) {
        Program prog = new Program(UPLOAD);
        Object[] resident = b.deviceResident();
        prog.everyToDevice(model.params()).onceToDevice(resident);
        prog.add(Launch.of(UPLOAD + "_0", Kernels.DECODE_RETAIN, 0, 1, model.params()));
        for (int k = 0; k < resident.length; k++) {
            String id = UPLOAD + "_" + (k + 1);
            prog.add(resident[k] instanceof IntArray ints
                    ? Launch.of(id, Kernels.DECODE_RETAIN_INTS, 0, 1, ints)
                    : Launch.of(id, Kernels.DECODE_RETAIN, 0, 1, (FloatArray) resident[k]));
        }
        prog.persistOnDevice(model.params()).persistOnDevice(resident);
        return prog;
    }

    /** The smallest prefill bucket that holds n positions: a power of two, or the context length. */
    public static int bucket(int n, int contextLength) {
        if (n <= 0 || n > contextLength) throw new IllegalArgumentException("length " + n + " is outside [1, " + contextLength + "]");
        int b = Integer.highestOneBit(n);
        if (b < n) b <<= 1;
        return Math.min(b, contextLength);
    }

    /** Every bucket length up to the context length, ascending. */
    public static int[] buckets(int contextLength) {
        int n = 0;
        for (int b = 1; b < contextLength; b <<= 1) n++;
        int[] out = new int[n + 1];
        int i = 0;
        for (int b = 1; b < contextLength; b <<= 1) out[i++] = b;
        out[i] = contextLength;
        return out;
    }

    /**
     * The prefill of a prompt padded to T positions: fills the cache for positions 0..T-1 and
     * computes the logits of row {@code step[1]}. Also the book's cache-less generate: the same
     * program on the last min(len, Tmax) tokens for every new token.
     */
    public static Program buildPrefill(GptModel model, InferenceBuffers b, Program upload, int T) {
        GptConfig cfg = model.config();
        ParameterLayout p = model.layout();
        FloatArray params = model.params();
        int C = cfg.embDim(), V = cfg.vocabSize();
        if (b.cache == null) throw new IllegalArgumentException("a prefill needs buffers with a KV cache");
        checkLength(T, b);
        Program prog = new Program("prefill_" + T);
        prog.consumeFromDevice(upload, params).consumeFromDevice(upload, b.deviceResident());
        prog.everyToDevice(b.tokens, b.step);
        layers(prog, model, b, T, true);
        prog.add(Launch.of(prefill(LAST_ROW), Kernels.DECODE_COPY_ROW, 0, C, b.proj, b.x, b.step, C));
        prog.add(Launch.of(prefill(LNF), Kernels.LAYER_NORM_FORWARD, 0, 1, b.h, 0, b.mean, b.rstd, 0,
                b.proj, 0, params, p.lnfWeight(), p.lnfBias(), C));
        prog.add(Launch.of(prefill(LOGITS), Kernels.MATMUL_FORWARD, 0, V, b.lastLogits, 0, b.h, 0, params, p.lmHead(), -1, C, V));
        prog.everyToHost(b.lastLogits);
        return prog;
    }

    /** Mean cross-entropy of T positions against {@code targets} (eval). */
    public static Program buildLoss(GptModel model, InferenceBuffers b, Program upload, int T) {
        GptConfig cfg = model.config();
        ParameterLayout p = model.layout();
        FloatArray params = model.params();
        int C = cfg.embDim(), V = cfg.vocabSize();
        if (b.logits == null) throw new IllegalArgumentException("buffers were made without loss outputs");
        checkLength(T, b);
        Program prog = new Program("eval_" + T);
        prog.consumeFromDevice(upload, params).consumeFromDevice(upload, b.deviceResident());
        prog.everyToDevice(b.tokens, b.targets);
        layers(prog, model, b, T, false);
        prog.add(Launch.of(prefill(LNF), Kernels.LAYER_NORM_FORWARD, 0, T, b.h, 0, b.mean, b.rstd, 0,
                b.x, 0, params, p.lnfWeight(), p.lnfBias(), C));
        prog.add(Launch.of(prefill(LOGITS), Kernels.MATMUL_FORWARD, 0, T * V, b.logits, 0, b.h, 0, params, p.lmHead(), -1, C, V));
        prog.add(Launch.of(prefill(CROSS_ENTROPY), Kernels.CROSS_ENTROPY_FORWARD, 0, T, b.probs, b.losses, b.logits, b.targets, V));
        prog.add(Launch.of(prefill(MEAN_LOSS), Kernels.CROSS_ENTROPY_MEAN_LOSS, 0, 1, b.loss, b.losses, T));
        prog.everyToHost(b.loss);
        return prog;
    }

    private static void checkLength(int T, InferenceBuffers b) {
        if (T <= 0 || T > b.maxT) throw new IllegalArgumentException("length " + T + " is outside [1, " + b.maxT + "]");
    }

    /** Embedding and every transformer block over T rows; with {@code store} the keys and values go to the cache. */
    private static void layers(Program prog, GptModel model, InferenceBuffers b, int T, boolean store) {
        GptConfig cfg = model.config();
        ParameterLayout p = model.layout();
        FloatArray params = model.params();
        int C = cfg.embDim(), NH = cfg.nHeads(), tc = T * C;
        prog.add(Launch.of(prefill(ENCODER), Kernels.ENCODER_FORWARD, 0, tc, b.x, b.tokens, params, p.wte(), p.wpe(), T, C));
        for (int l = 0; l < cfg.nLayers(); l++) {
            prog.add(Launch.of(prefill(layer(l, LN1)), Kernels.LAYER_NORM_FORWARD, 0, T, b.h, 0, b.mean, b.rstd, 0,
                    b.x, 0, params, p.ln1Weight(l), p.ln1Bias(l), C));
            prog.add(Launch.of(prefill(layer(l, QKV)), Kernels.MATMUL_FORWARD, 0, T * 3 * C, b.qkv, 0, b.h, 0,
                    params, p.qkvWeight(l), p.qkvBias(l), C, 3 * C));
            if (store)
                prog.add(Launch.of(prefill(layer(l, STORE_KV)), Kernels.DECODE_STORE_KV_ROWS, 0, tc, b.cache.keys, b.cache.values,
                        b.cache.layerOffset(l), b.qkv, 0, C));
            prog.add(Launch.of(prefill(layer(l, ATTENTION)), Kernels.ATTENTION_FORWARD, 0, NH * T, b.y, 0, b.att, 0,
                    b.qkv, 0, b.noDropout, DropoutKernels.attentionSite(l), T, C, NH));
            prog.add(Launch.of(prefill(layer(l, ATTN_PROJ)), Kernels.MATMUL_FORWARD, 0, tc, b.proj, 0, b.y, 0,
                    params, p.attnProjWeight(l), p.attnProjBias(l), C, C));
            prog.add(Launch.of(prefill(layer(l, RESIDUAL2)), Kernels.RESIDUAL_ACCUMULATE, 0, tc, b.x, 0, b.proj, 0));
            prog.add(Launch.of(prefill(layer(l, LN2)), Kernels.LAYER_NORM_FORWARD, 0, T, b.h, 0, b.mean, b.rstd, 0,
                    b.x, 0, params, p.ln2Weight(l), p.ln2Bias(l), C));
            prog.add(Launch.of(prefill(layer(l, FC)), Kernels.MATMUL_FORWARD, 0, T * 4 * C, b.fc, 0, b.h, 0,
                    params, p.fcWeight(l), p.fcBias(l), C, 4 * C));
            prog.add(Launch.of(prefill(layer(l, GELU)), Kernels.GELU_FORWARD, 0, T * 4 * C, b.gelu, 0, b.fc, 0));
            prog.add(Launch.of(prefill(layer(l, FC_PROJ)), Kernels.MATMUL_FORWARD, 0, tc, b.proj, 0, b.gelu, 0,
                    params, p.fcProjWeight(l), p.fcProjBias(l), 4 * C, C));
            prog.add(Launch.of(prefill(layer(l, RESIDUAL3)), Kernels.RESIDUAL_ACCUMULATE, 0, tc, b.x, 0, b.proj, 0));
        }
    }

    /** One decode step at position {@code step[1]} for token {@code step[0]}, attending to the cache. */
    public static Program buildDecode(GptModel model, InferenceBuffers b, Program upload) {
        GptConfig cfg = model.config();
        ParameterLayout p = model.layout();
        FloatArray params = model.params();
        int C = cfg.embDim(), NH = cfg.nHeads(), V = cfg.vocabSize(), L = cfg.nLayers(), Tmax = cfg.contextLength();
        KvCache cache = b.cache;
        if (cache == null) throw new IllegalArgumentException("a decode step needs buffers with a KV cache");
        Program prog = new Program("decode");
        prog.consumeFromDevice(upload, params).consumeFromDevice(upload, b.deviceResident());
        prog.everyToDevice(b.step);

        prog.add(Launch.of(decode(ENCODER), Kernels.DECODE_EMBED, 0, C, b.x, b.step, params, p.wte(), p.wpe(), C));
        for (int l = 0; l < L; l++) {
            int co = cache.layerOffset(l);
            prog.add(Launch.of(decode(layer(l, LN1)), Kernels.LAYER_NORM_FORWARD, 0, 1, b.h, 0, b.mean, b.rstd, 0,
                    b.x, 0, params, p.ln1Weight(l), p.ln1Bias(l), C));
            prog.add(Launch.of(decode(layer(l, QKV)), Kernels.MATMUL_FORWARD, 0, 3 * C, b.qkv, 0, b.h, 0,
                    params, p.qkvWeight(l), p.qkvBias(l), C, 3 * C));
            prog.add(Launch.of(decode(layer(l, STORE_KV)), Kernels.DECODE_STORE_KV, 0, C, cache.keys, cache.values, co,
                    b.qkv, 0, b.step, C));
            prog.add(Launch.of(decode(layer(l, ATT_SCORES)), Kernels.DECODE_ATTENTION_SCORES, 0, NH * Tmax, b.att,
                    b.qkv, 0, cache.keys, co, b.step, C, NH, Tmax));
            prog.add(Launch.of(decode(layer(l, ATT_SOFTMAX)), Kernels.DECODE_ATTENTION_SOFTMAX, 0, NH, b.att, b.step, Tmax));
            prog.add(Launch.of(decode(layer(l, ATT_VALUES)), Kernels.DECODE_ATTENTION_VALUES, 0, C, b.y, b.att,
                    cache.values, co, b.step, C, NH, Tmax));
            prog.add(Launch.of(decode(layer(l, ATTN_PROJ)), Kernels.MATMUL_FORWARD, 0, C, b.proj, 0, b.y, 0,
                    params, p.attnProjWeight(l), p.attnProjBias(l), C, C));
            prog.add(Launch.of(decode(layer(l, RESIDUAL2)), Kernels.RESIDUAL_ACCUMULATE, 0, C, b.x, 0, b.proj, 0));
            prog.add(Launch.of(decode(layer(l, LN2)), Kernels.LAYER_NORM_FORWARD, 0, 1, b.h, 0, b.mean, b.rstd, 0,
                    b.x, 0, params, p.ln2Weight(l), p.ln2Bias(l), C));
            prog.add(Launch.of(decode(layer(l, FC)), Kernels.MATMUL_FORWARD, 0, 4 * C, b.fc, 0, b.h, 0,
                    params, p.fcWeight(l), p.fcBias(l), C, 4 * C));
            prog.add(Launch.of(decode(layer(l, GELU)), Kernels.GELU_FORWARD, 0, 4 * C, b.gelu, 0, b.fc, 0));
            prog.add(Launch.of(decode(layer(l, FC_PROJ)), Kernels.MATMUL_FORWARD, 0, C, b.proj, 0, b.gelu, 0,
                    params, p.fcProjWeight(l), p.fcProjBias(l), 4 * C, C));
            prog.add(Launch.of(decode(layer(l, RESIDUAL3)), Kernels.RESIDUAL_ACCUMULATE, 0, C, b.x, 0, b.proj, 0));
        }
        prog.add(Launch.of(decode(LNF), Kernels.LAYER_NORM_FORWARD, 0, 1, b.h, 0, b.mean, b.rstd, 0,
                b.x, 0, params, p.lnfWeight(), p.lnfBias(), C));
        prog.add(Launch.of(decode(LOGITS), Kernels.MATMUL_FORWARD, 0, V, b.lastLogits, 0, b.h, 0, params, p.lmHead(), -1, C, V));
        prog.everyToHost(b.lastLogits);
        return prog;
    }
}
