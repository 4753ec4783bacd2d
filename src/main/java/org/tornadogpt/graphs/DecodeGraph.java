package org.tornadogpt.graphs;

import static org.tornadogpt.graphs.TaskNames.*;

import org.tornadogpt.kernels.DecodeKernels;
import org.tornadogpt.kernels.GeluKernels;
import org.tornadogpt.kernels.LayerNormKernels;
import org.tornadogpt.kernels.MatmulKernels;
import org.tornadogpt.kernels.ResidualKernels;
import org.tornadogpt.model.GptConfig;
import org.tornadogpt.model.GptModel;
import org.tornadogpt.model.ParameterLayout;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * One decode step: the forward pass of a single new token at position {@code pos}, attending to the
 * keys and values cached for positions 0..pos, producing the logits of that position only.
 *
 * <pre>
 * step=[tok,pos] --embed(wte, wpe)--> x                                         (C)
 * for each layer l:
 *   x --ln1--> h --qkv--> q,k,v --kvstore--> cache[l, pos] = k, v
 *   q, cache[l, 0..pos] --attscores--> s --attsoftmax--> p --attvalues(cache)--> y
 *   y --attproj--> a ; x = x + a                                                (res2)
 *   x --ln2--> h --fc--> f --gelu--> g --fcproj--> m ; x = x + m                (res3)
 * x --lnf--> hf --logits(lm_head)--> logits                                     (V)
 * </pre>
 *
 * Every buffer is one row; layers reuse them. The position comes from {@code cache.step} (sent to
 * the device on every run), never from a primitive argument, so one program serves every position.
 * The matrix products (qkv, attproj, fc, fcproj, logits) are separate launches with ids
 * {@code dec_l<l>_<op>} / {@code dec_logits}, where JVM fast paths can be attached.
 */
public final class DecodeGraph {
    private DecodeGraph() {}

    /** The per-step activations of one new position. */
    public static final class Buffers {
        public final FloatArray x;      // (C) residual stream
        public final FloatArray h;      // (C) layer-norm output
        public final FloatArray mean;   // (1)
        public final FloatArray rstd;   // (1)
        public final FloatArray qkv;    // (3C)
        public final FloatArray att;    // (NH, Tmax)
        public final FloatArray y;      // (C) attention output
        public final FloatArray proj;   // (C) attention or MLP projection
        public final FloatArray fc;     // (4C)
        public final FloatArray gelu;   // (4C)
        public final FloatArray logits; // (V)

        public Buffers(GptConfig cfg) {
            int C = cfg.embDim();
            x = new FloatArray(C);
            h = new FloatArray(C);
            mean = new FloatArray(1);
            rstd = new FloatArray(1);
            qkv = new FloatArray(3 * C);
            att = new FloatArray(cfg.nHeads() * cfg.contextLength());
            y = new FloatArray(C);
            proj = new FloatArray(C);
            fc = new FloatArray(4 * C);
            gelu = new FloatArray(4 * C);
            logits = new FloatArray(cfg.vocabSize());
        }
    }

    public static Program build(GptModel model, KvCache cache, Buffers b) {
        GptConfig cfg = model.config();
        ParameterLayout p = model.layout();
        FloatArray params = model.params();
        int C = cfg.embDim(), NH = cfg.nHeads(), V = cfg.vocabSize(), L = cfg.nLayers(), Tmax = cfg.contextLength();
        Program prog = new Program("decode");
        prog.onceToDevice(params).everyToDevice(cache.step).shared(cache.keys, cache.values).everyToHost(b.logits);

        prog.add(Launch.of(decode(ENCODER), DecodeKernels::embed, 0, C, b.x, cache.step, params, p.wte(), p.wpe(), C));
        for (int l = 0; l < L; l++) {
            int co = cache.layerOffset(l);
            prog.add(Launch.of(decode(layer(l, LN1)), LayerNormKernels::forward, 0, 1, b.h, 0, b.mean, b.rstd, 0,
                    b.x, 0, params, p.ln1Weight(l), p.ln1Bias(l), C));
            prog.add(Launch.of(decode(layer(l, QKV)), MatmulKernels::forward, 0, 3 * C, b.qkv, 0, b.h, 0,
                    params, p.qkvWeight(l), p.qkvBias(l), C, 3 * C));
            prog.add(Launch.of(decode(layer(l, STORE_KV)), DecodeKernels::storeKv, 0, C, cache.keys, cache.values, co,
                    b.qkv, 0, cache.step, C));
            prog.add(Launch.of(decode(layer(l, ATT_SCORES)), DecodeKernels::attentionScores, 0, NH * Tmax, b.att,
                    b.qkv, 0, cache.keys, co, cache.step, C, NH, Tmax));
            prog.add(Launch.of(decode(layer(l, ATT_SOFTMAX)), DecodeKernels::attentionSoftmax, 0, NH, b.att, cache.step, Tmax));
            prog.add(Launch.of(decode(layer(l, ATT_VALUES)), DecodeKernels::attentionValues, 0, C, b.y, b.att,
                    cache.values, co, cache.step, C, NH, Tmax));
            prog.add(Launch.of(decode(layer(l, ATTN_PROJ)), MatmulKernels::forward, 0, C, b.proj, 0, b.y, 0,
                    params, p.attnProjWeight(l), p.attnProjBias(l), C, C));
            prog.add(Launch.of(decode(layer(l, RESIDUAL2)), ResidualKernels::forward, 0, C, b.x, 0, b.x, 0, b.proj, 0));
            prog.add(Launch.of(decode(layer(l, LN2)), LayerNormKernels::forward, 0, 1, b.h, 0, b.mean, b.rstd, 0,
                    b.x, 0, params, p.ln2Weight(l), p.ln2Bias(l), C));
            prog.add(Launch.of(decode(layer(l, FC)), MatmulKernels::forward, 0, 4 * C, b.fc, 0, b.h, 0,
                    params, p.fcWeight(l), p.fcBias(l), C, 4 * C));
            prog.add(Launch.of(decode(layer(l, GELU)), GeluKernels::forward, 0, 4 * C, b.gelu, 0, b.fc, 0));
            prog.add(Launch.of(decode(layer(l, FC_PROJ)), MatmulKernels::forward, 0, C, b.proj, 0, b.gelu, 0,
                    params, p.fcProjWeight(l), p.fcProjBias(l), 4 * C, C));
            prog.add(Launch.of(decode(layer(l, RESIDUAL3)), ResidualKernels::forward, 0, C, b.x, 0, b.x, 0, b.proj, 0));
        }
        prog.add(Launch.of(decode(LNF), LayerNormKernels::forward, 0, 1, b.h, 0, b.mean, b.rstd, 0,
                b.x, 0, params, p.lnfWeight(), p.lnfBias(), C));
        prog.add(Launch.of(decode(LOGITS), MatmulKernels::forward, 0, V, b.logits, 0, b.h, 0, params, p.lmHead(), -1, C, V));
        return prog;
    }
}
