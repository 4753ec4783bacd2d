package org.tornadogpt.graphs;

import static org.tornadogpt.graphs.TaskNames.*;

import org.tornadogpt.kernels.AttentionKernels;
import org.tornadogpt.kernels.CrossEntropyKernels;
import org.tornadogpt.kernels.DecodeKernels;
import org.tornadogpt.kernels.EncoderKernels;
import org.tornadogpt.kernels.GeluKernels;
import org.tornadogpt.kernels.LayerNormKernels;
import org.tornadogpt.kernels.MatmulKernels;
import org.tornadogpt.kernels.ResidualKernels;
import org.tornadogpt.model.GptConfig;
import org.tornadogpt.model.GptModel;
import org.tornadogpt.model.ParameterLayout;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Inference over T positions of one sequence (batch 1), in one of three modes:
 * <ul>
 * <li>{@link Mode#FILL_CACHE}: the prefill of a prompt: keys and values of positions 0..T-1 go to
 * the KV cache, and only the last position's logits are computed;</li>
 * <li>{@link Mode#LAST_LOGITS}: the same without a cache (the book's {@code generate}: the whole
 * context again for every new token);</li>
 * <li>{@link Mode#LOSS}: logits of every position and their mean cross-entropy against
 * {@code targets} ({@code eval}).</li>
 * </ul>
 *
 * <pre>
 * tokens --encoder(wte, wpe)--> x                                               (T, C)
 * for each layer l:
 *   x --ln1--> h --qkv--> qkv [--kvstore--> cache[l, 0..T-1]] --attn--> y
 *   y --attproj--> a ; x = x + a ; x --ln2--> h --fc--> f --gelu--> g --fcproj--> m ; x = x + m
 * x[T-1] --lnf--> hf --logits--> lastLogits (V)          (FILL_CACHE, LAST_LOGITS)
 * x --lnf--> hf --logits--> logits (T, V) --xent, meanloss--> loss   (LOSS)
 * </pre>
 *
 * Unlike {@link ForwardGraph} nothing is kept for a backward pass, so the layers share one set of
 * buffers sized for at most {@code maxT} positions; T is fixed per program (kernels capture it), so
 * a program is built per length and cached by the caller. Matrix products keep ids
 * {@code pre_l<l>_<op>} / {@code pre_logits} for JVM fast paths.
 */
public final class PrefillGraph {
    private PrefillGraph() {}

    public enum Mode { FILL_CACHE, LAST_LOGITS, LOSS }

    /** Activations of up to maxT positions, shared by the programs of every length. */
    public static final class Buffers {
        public final int maxT;
        public final IntArray tokens;     // (maxT)
        public final IntArray targets;    // (maxT)
        public final FloatArray x;        // (maxT, C) residual stream
        public final FloatArray h;        // (maxT, C) layer-norm output
        public final FloatArray mean;     // (maxT)
        public final FloatArray rstd;     // (maxT)
        public final FloatArray qkv;      // (maxT, 3C)
        public final FloatArray att;      // (NH, maxT, maxT) at most; (NH, T, T) used
        public final FloatArray y;        // (maxT, C)
        public final FloatArray proj;     // (maxT, C)
        public final FloatArray fc;       // (maxT, 4C)
        public final FloatArray gelu;     // (maxT, 4C)
        public final FloatArray lastLogits; // (V)
        public final FloatArray logits;   // (maxT, V) only with loss
        public final FloatArray probs;    // (maxT, V) only with loss
        public final FloatArray losses;   // (maxT)
        public final FloatArray loss;     // (1)

        public Buffers(GptConfig cfg, int maxT, boolean withLoss) {
            if (maxT <= 0 || maxT > cfg.contextLength())
                throw new IllegalArgumentException("prefill length " + maxT + " is outside [1, " + cfg.contextLength() + "]");
            this.maxT = maxT;
            long C = cfg.embDim(), V = cfg.vocabSize(), NH = cfg.nHeads();
            tokens = new IntArray(maxT);
            targets = new IntArray(maxT);
            x = floats("x", maxT * C);
            h = floats("h", maxT * C);
            mean = floats("mean", maxT);
            rstd = floats("rstd", maxT);
            qkv = floats("qkv", maxT * 3 * C);
            att = floats("attention", NH * maxT * maxT);
            y = floats("y", maxT * C);
            proj = floats("projection", maxT * C);
            fc = floats("fc", maxT * 4 * C);
            gelu = floats("gelu", maxT * 4 * C);
            lastLogits = floats("logits", V);
            logits = withLoss ? floats("logits", maxT * V) : null;
            probs = withLoss ? floats("probabilities", maxT * V) : null;
            losses = floats("losses", maxT);
            loss = floats("loss", 1);
        }

        private static FloatArray floats(String what, long n) {
            if (n > Integer.MAX_VALUE - 16)
                throw new IllegalArgumentException("inference buffer '" + what + "' would need " + n + " floats, more than one buffer holds; use a shorter context");
            return new FloatArray((int) Math.max(1, n));
        }
    }

    /** A program over T positions; {@code cache} is needed for {@link Mode#FILL_CACHE} only. */
    public static Program build(GptModel model, Buffers b, KvCache cache, int T, Mode mode) {
        GptConfig cfg = model.config();
        ParameterLayout p = model.layout();
        FloatArray params = model.params();
        int C = cfg.embDim(), NH = cfg.nHeads(), V = cfg.vocabSize(), L = cfg.nLayers();
        if (T <= 0 || T > b.maxT) throw new IllegalArgumentException("length " + T + " is outside [1, " + b.maxT + "]");
        if (mode == Mode.FILL_CACHE && cache == null) throw new IllegalArgumentException("a prefill needs a KV cache");
        if (mode == Mode.LOSS && b.logits == null) throw new IllegalArgumentException("buffers were made without loss outputs");
        int tc = T * C;
        Program prog = new Program(switch (mode) {
            case FILL_CACHE -> "prefill_" + T;
            case LAST_LOGITS -> "context_" + T;
            case LOSS -> "eval_" + T;
        });
        prog.onceToDevice(params).everyToDevice(b.tokens);
        if (mode == Mode.LOSS) prog.everyToDevice(b.targets);
        if (mode == Mode.FILL_CACHE) prog.shared(cache.keys, cache.values);

        prog.add(Launch.of(prefill(ENCODER), EncoderKernels::forward, 0, tc, b.x, b.tokens, params, p.wte(), p.wpe(), T, C));
        for (int l = 0; l < L; l++) {
            prog.add(Launch.of(prefill(layer(l, LN1)), LayerNormKernels::forward, 0, T, b.h, 0, b.mean, b.rstd, 0,
                    b.x, 0, params, p.ln1Weight(l), p.ln1Bias(l), C));
            prog.add(Launch.of(prefill(layer(l, QKV)), MatmulKernels::forward, 0, T * 3 * C, b.qkv, 0, b.h, 0,
                    params, p.qkvWeight(l), p.qkvBias(l), C, 3 * C));
            if (mode == Mode.FILL_CACHE)
                prog.add(Launch.of(prefill(layer(l, STORE_KV)), DecodeKernels::storeKvRows, 0, tc, cache.keys, cache.values,
                        cache.layerOffset(l), b.qkv, 0, C));
            prog.add(Launch.of(prefill(layer(l, ATTENTION)), AttentionKernels::forward, 0, NH * T, b.y, 0, b.att, 0,
                    b.qkv, 0, T, C, NH));
            prog.add(Launch.of(prefill(layer(l, ATTN_PROJ)), MatmulKernels::forward, 0, tc, b.proj, 0, b.y, 0,
                    params, p.attnProjWeight(l), p.attnProjBias(l), C, C));
            prog.add(Launch.of(prefill(layer(l, RESIDUAL2)), ResidualKernels::forward, 0, tc, b.x, 0, b.x, 0, b.proj, 0));
            prog.add(Launch.of(prefill(layer(l, LN2)), LayerNormKernels::forward, 0, T, b.h, 0, b.mean, b.rstd, 0,
                    b.x, 0, params, p.ln2Weight(l), p.ln2Bias(l), C));
            prog.add(Launch.of(prefill(layer(l, FC)), MatmulKernels::forward, 0, T * 4 * C, b.fc, 0, b.h, 0,
                    params, p.fcWeight(l), p.fcBias(l), C, 4 * C));
            prog.add(Launch.of(prefill(layer(l, GELU)), GeluKernels::forward, 0, T * 4 * C, b.gelu, 0, b.fc, 0));
            prog.add(Launch.of(prefill(layer(l, FC_PROJ)), MatmulKernels::forward, 0, tc, b.proj, 0, b.gelu, 0,
                    params, p.fcProjWeight(l), p.fcProjBias(l), 4 * C, C));
            prog.add(Launch.of(prefill(layer(l, RESIDUAL3)), ResidualKernels::forward, 0, tc, b.x, 0, b.x, 0, b.proj, 0));
        }
        if (mode == Mode.LOSS) {
            prog.add(Launch.of(prefill(LNF), LayerNormKernels::forward, 0, T, b.h, 0, b.mean, b.rstd, 0,
                    b.x, 0, params, p.lnfWeight(), p.lnfBias(), C));
            prog.add(Launch.of(prefill(LOGITS), MatmulKernels::forward, 0, T * V, b.logits, 0, b.h, 0, params, p.lmHead(), -1, C, V));
            prog.add(Launch.of(prefill(CROSS_ENTROPY), CrossEntropyKernels::forward, 0, T, b.probs, b.losses, b.logits, b.targets, V));
            prog.add(Launch.of(prefill(MEAN_LOSS), CrossEntropyKernels::meanLoss, 0, 1, b.loss, b.losses, T));
            prog.everyToHost(b.loss);
        } else {
            prog.add(Launch.of(prefill(LNF), LayerNormKernels::forward, 0, 1, b.h, 0, b.mean, b.rstd, 0,
                    b.x, (T - 1) * C, params, p.lnfWeight(), p.lnfBias(), C));
            prog.add(Launch.of(prefill(LOGITS), MatmulKernels::forward, 0, V, b.lastLogits, 0, b.h, 0, params, p.lmHead(), -1, C, V));
            prog.everyToHost(b.lastLogits);
        }
        return prog;
    }
}
