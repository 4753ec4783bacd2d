package org.tornadogpt.graphs;

import static org.tornadogpt.graphs.TaskNames.*;

import org.tornadogpt.kernels.AttentionKernels;
import org.tornadogpt.kernels.CrossEntropyKernels;
import org.tornadogpt.kernels.EncoderKernels;
import org.tornadogpt.kernels.GeluKernels;
import org.tornadogpt.kernels.LayerNormKernels;
import org.tornadogpt.kernels.MatmulKernels;
import org.tornadogpt.kernels.ResidualKernels;
import org.tornadogpt.model.GptConfig;
import org.tornadogpt.model.GptModel;
import org.tornadogpt.model.ParameterLayout;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * The forward pass as a program of kernel launches.
 *
 * <pre>
 * tokens --encoder(wte, wpe)--> x
 * for each layer l:
 *   x --ln1--> h --qkv--> qkv --attn--> y --attproj--> a ; x2 = x + a          (res2)
 *   x2 --ln2--> h2 --fc--> f --gelu--> g --fcproj--> p ; x = x2 + p            (res3)
 * x --lnf--> hf --logits(lm_head)--> logits [--xent(targets)--> losses --meanloss--> loss]
 * </pre>
 */
public final class ForwardGraph {
    private ForwardGraph() {}

    /** Builds the forward program over {@code a}'s (B, T); with {@code withLoss} also the loss. */
    public static Program build(GptModel model, Activations a, boolean withLoss) {
        GptConfig cfg = model.config();
        ParameterLayout p = model.layout();
        FloatArray params = model.params();
        int B = a.B, T = a.T, C = cfg.embDim(), NH = cfg.nHeads(), V = cfg.vocabSize(), L = cfg.nLayers();
        int bt = B * T, btc = bt * C;
        Program prog = new Program(withLoss ? "forward_loss" : "forward");
        prog.onceToDevice(params).everyToDevice(a.tokens);
        if (withLoss) prog.everyToDevice(a.targets);

        prog.add(Launch.of(ENCODER, EncoderKernels::forward, 0, btc, a.encoded, a.tokens, params, p.wte(), p.wpe(), T, C));
        for (int l = 0; l < L; l++) {
            FloatArray x = a.residualIn(l);
            int xOff = a.residualInOffset(l, C);
            int lc = l * btc, l3c = l * bt * 3 * C, l4c = l * bt * 4 * C, lbt = l * bt;
            prog.add(Launch.of(layer(l, LN1), LayerNormKernels::forward, 0, bt, a.ln1, lc, a.ln1Mean, a.ln1Rstd, lbt,
                    x, xOff, params, p.ln1Weight(l), p.ln1Bias(l), C));
            prog.add(Launch.of(layer(l, QKV), MatmulKernels::forward, 0, bt * 3 * C, a.qkv, l3c, a.ln1, lc,
                    params, p.qkvWeight(l), p.qkvBias(l), C, 3 * C));
            prog.add(Launch.of(layer(l, ATTENTION), AttentionKernels::forward, 0, B * NH * T, a.atty, lc,
                    a.att, l * B * NH * T * T, a.qkv, l3c, T, C, NH));
            prog.add(Launch.of(layer(l, ATTN_PROJ), MatmulKernels::forward, 0, btc, a.attproj, lc, a.atty, lc,
                    params, p.attnProjWeight(l), p.attnProjBias(l), C, C));
            prog.add(Launch.of(layer(l, RESIDUAL2), ResidualKernels::forward, 0, btc, a.residual2, lc, x, xOff, a.attproj, lc));
            prog.add(Launch.of(layer(l, LN2), LayerNormKernels::forward, 0, bt, a.ln2, lc, a.ln2Mean, a.ln2Rstd, lbt,
                    a.residual2, lc, params, p.ln2Weight(l), p.ln2Bias(l), C));
            prog.add(Launch.of(layer(l, FC), MatmulKernels::forward, 0, bt * 4 * C, a.fch, l4c, a.ln2, lc,
                    params, p.fcWeight(l), p.fcBias(l), C, 4 * C));
            prog.add(Launch.of(layer(l, GELU), GeluKernels::forward, 0, bt * 4 * C, a.fchGelu, l4c, a.fch, l4c));
            prog.add(Launch.of(layer(l, FC_PROJ), MatmulKernels::forward, 0, btc, a.fcproj, lc, a.fchGelu, l4c,
                    params, p.fcProjWeight(l), p.fcProjBias(l), 4 * C, C));
            prog.add(Launch.of(layer(l, RESIDUAL3), ResidualKernels::forward, 0, btc, a.residual3, lc, a.residual2, lc, a.fcproj, lc));
        }
        prog.add(Launch.of(LNF, LayerNormKernels::forward, 0, bt, a.lnf, 0, a.lnfMean, a.lnfRstd, 0,
                a.residualIn(L), a.residualInOffset(L, C), params, p.lnfWeight(), p.lnfBias(), C));
        prog.add(Launch.of(LOGITS, MatmulKernels::forward, 0, bt * V, a.logits, 0, a.lnf, 0, params, p.lmHead(), -1, C, V));
        if (withLoss) {
            prog.add(Launch.of(CROSS_ENTROPY, CrossEntropyKernels::forward, 0, bt, a.probs, a.losses, a.logits, a.targets, V));
            prog.add(Launch.of(MEAN_LOSS, CrossEntropyKernels::meanLoss, 0, 1, a.loss, a.losses, bt));
            prog.everyToHost(a.loss);
        } else {
            prog.everyToHost(a.logits);
        }
        return prog;
    }
}
