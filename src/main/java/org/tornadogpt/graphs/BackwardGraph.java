package org.tornadogpt.graphs;

import static org.tornadogpt.graphs.TaskNames.*;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.tornadogpt.kernels.DropoutKernels;
import org.tornadogpt.model.GptConfig;
import org.tornadogpt.model.GptModel;
import org.tornadogpt.model.ParameterLayout;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * The backward pass as a program: the gradient of the mean cross-entropy with respect to every
 * parameter, from the activations the training forward saved ({@link ForwardGraph#buildTraining},
 * same dropout state). Walks the layers in reverse; activation gradients use the per-layer scratch
 * of {@link GradActivations}, parameter gradients accumulate into {@link TrainingBuffers#grads}
 * after the zeroing launch that opens the program, except that each weight matrix's one product
 * writes its gradient ({@code =}, {@link Kernels#MATMUL_BACKWARD_WEIGHT_SET}) without reading it,
 * so only the rest is zeroed, in one launch over the runs of {@link #accumulated}: the tied token
 * embedding gets the LM head's product first, its rows are added afterwards.
 *
 * <pre>
 * zero grads (the runs between the weight matrices), zero dres
 * loss --xent--> dlogits (over the logits buffer)
 *   --logits_dinp(W_head)--> dln ; --logits_dw(lnf)--> dW_head          (tied: dwte)
 *   dln --lnf(dinp += into dres, dparams)
 * for l = L-1 .. 0:                                  dres = gradient of the layer's output
 *   dres --res3--> dbranch (dropout mask)
 *   dbranch --fcproj_dinp--> dfch ; fcproj_dw(gelu out), fcproj_db
 *   dfch --gelu (in place)--> dfch --fc_dinp--> dln ; fc_dw(ln2), fc_db
 *   dln --ln2 (dinp += into dres, dparams)            dres = gradient of res2
 *   dres --res2--> dbranch --attproj_dinp--> datty ; attproj_dw(atty), attproj_db
 *   datty --attn_q--> dq, dpreatt --attn_k--> dk, dv   (into dqkv)
 *   dqkv --qkv_dinp--> dln ; qkv_dw(ln1), qkv_db
 *   dln --ln1 (dinp += into dres, dparams)            dres = gradient of the layer's input
 * dres --encdrop (mask)--> --wte (+= dwte, by channel), wpe (+= dwpe)
 * </pre>
 */
public final class BackwardGraph {
    private BackwardGraph() {}

    /**
     * @param forward the training forward program of the same group, which left parameters,
     *                activations and token ids on the device
     */
    public static Program build(GptModel model, Activations a, GradActivations g, TrainingBuffers tb, Program forward) {
        GptConfig cfg = model.config();
        ParameterLayout p = model.layout();
        FloatArray params = model.params();
        FloatArray grads = tb.grads;
        var state = tb.ints;
        int B = a.B, T = a.T, C = cfg.embDim(), NH = cfg.nHeads(), V = cfg.vocabSize(), L = cfg.nLayers();
        int bt = B * T, btc = bt * C;
        FloatArray dlogits = a.logits; // (B*T, V) the logits are not needed any more

        Program prog = new Program("train_backward");
        prog.consumeFromDevice(forward, params, a.tokens, a.targets).consumeFromDevice(forward, a.all());
        prog.onceToDevice(grads).onceToDevice(g.all());
        if (tb.zeroCount > 0) prog.onceToDevice(tb.zeroRuns);
        prog.everyToDevice(state);

        if (tb.zeroCount > 0)
            prog.add(Launch.of(ZERO_GRADS, Kernels.GRADIENT_ZERO_RUNS, 0, tb.zeroCount, grads, tb.zeroRuns, tb.zeroRuns.getSize() / 2));
        prog.add(Launch.of(ZERO_DRES, Kernels.GRADIENT_ZERO, 0, btc, g.dres, 0));
        prog.add(Launch.of(backward(CROSS_ENTROPY), Kernels.CROSS_ENTROPY_BACKWARD, 0, bt * V, dlogits, a.probs, a.targets, V, bt));
        prog.add(Launch.of(backward(LOGITS, DINP), Kernels.MATMUL_BACKWARD_INPUT, 0, btc, g.dln, 0, dlogits, 0, params, p.lmHead(), C, V));
        prog.add(Launch.of(backward(LOGITS, DWEIGHT), Kernels.MATMUL_BACKWARD_WEIGHT_SET, 0, V * C, grads, p.lmHead(), dlogits, 0, a.lnf, 0, bt, C, V));
        FloatArray xL = a.residualIn(L);
        int xLOff = a.residualInOffset(L, C);
        prog.add(Launch.of(backward(LNF, DINP), Kernels.LAYER_NORM_BACKWARD_INPUT, 0, bt, g.dres, 0, g.dln, 0,
                a.lnfMean, a.lnfRstd, 0, xL, xLOff, params, p.lnfWeight(), C));
        prog.add(Launch.of(backward(LNF, DPARAMS), Kernels.LAYER_NORM_BACKWARD_PARAMS, 0, C, grads, p.lnfWeight(), p.lnfBias(), g.dln, 0,
                a.lnfMean, a.lnfRstd, 0, xL, xLOff, bt, C));

        for (int l = L - 1; l >= 0; l--) {
            FloatArray x = a.residualIn(l);
            int xOff = a.residualInOffset(l, C);
            int lc = l * btc, l3c = l * bt * 3 * C, l4c = l * bt * 4 * C, lbt = l * bt, latt = l * B * NH * T * T;

            // x3 = x2 + dropout(fcproj)
            prog.add(Launch.of(backward(layer(l, RESIDUAL3)), Kernels.RESIDUAL_BACKWARD, 0, btc, g.dbranch, g.dres, state, DropoutKernels.mlpSite(l)));
            prog.add(Launch.of(backward(layer(l, FC_PROJ), DINP), Kernels.MATMUL_BACKWARD_INPUT, 0, bt * 4 * C, g.dfch, 0, g.dbranch, 0,
                    params, p.fcProjWeight(l), 4 * C, C));
            prog.add(Launch.of(backward(layer(l, FC_PROJ), DWEIGHT), Kernels.MATMUL_BACKWARD_WEIGHT_SET, 0, C * 4 * C, grads, p.fcProjWeight(l),
                    g.dbranch, 0, a.fchGelu, l4c, bt, 4 * C, C));
            prog.add(Launch.of(backward(layer(l, FC_PROJ), DBIAS), Kernels.MATMUL_BACKWARD_BIAS, 0, C, grads, p.fcProjBias(l), g.dbranch, 0, bt, C));
            prog.add(Launch.of(backward(layer(l, GELU)), Kernels.GELU_BACKWARD, 0, bt * 4 * C, g.dfch, 0, a.fch, l4c));
            prog.add(Launch.of(backward(layer(l, FC), DINP), Kernels.MATMUL_BACKWARD_INPUT, 0, btc, g.dln, 0, g.dfch, 0,
                    params, p.fcWeight(l), C, 4 * C));
            prog.add(Launch.of(backward(layer(l, FC), DWEIGHT), Kernels.MATMUL_BACKWARD_WEIGHT_SET, 0, 4 * C * C, grads, p.fcWeight(l),
                    g.dfch, 0, a.ln2, lc, bt, C, 4 * C));
            prog.add(Launch.of(backward(layer(l, FC), DBIAS), Kernels.MATMUL_BACKWARD_BIAS, 0, 4 * C, grads, p.fcBias(l), g.dfch, 0, bt, 4 * C));
            prog.add(Launch.of(backward(layer(l, LN2), DINP), Kernels.LAYER_NORM_BACKWARD_INPUT, 0, bt, g.dres, 0, g.dln, 0,
                    a.ln2Mean, a.ln2Rstd, lbt, a.residual2, lc, params, p.ln2Weight(l), C));
            prog.add(Launch.of(backward(layer(l, LN2), DPARAMS), Kernels.LAYER_NORM_BACKWARD_PARAMS, 0, C, grads, p.ln2Weight(l), p.ln2Bias(l),
                    g.dln, 0, a.ln2Mean, a.ln2Rstd, lbt, a.residual2, lc, bt, C));

            // x2 = x + dropout(attproj)
            prog.add(Launch.of(backward(layer(l, RESIDUAL2)), Kernels.RESIDUAL_BACKWARD, 0, btc, g.dbranch, g.dres, state, DropoutKernels.attnProjSite(l)));
            prog.add(Launch.of(backward(layer(l, ATTN_PROJ), DINP), Kernels.MATMUL_BACKWARD_INPUT, 0, btc, g.datty, 0, g.dbranch, 0,
                    params, p.attnProjWeight(l), C, C));
            prog.add(Launch.of(backward(layer(l, ATTN_PROJ), DWEIGHT), Kernels.MATMUL_BACKWARD_WEIGHT_SET, 0, C * C, grads, p.attnProjWeight(l),
                    g.dbranch, 0, a.atty, lc, bt, C, C));
            prog.add(Launch.of(backward(layer(l, ATTN_PROJ), DBIAS), Kernels.MATMUL_BACKWARD_BIAS, 0, C, grads, p.attnProjBias(l), g.dbranch, 0, bt, C));
            prog.add(Launch.of(backward(layer(l, ATTENTION), QUERY), Kernels.ATTENTION_BACKWARD_QUERY, 0, B * NH * T, g.dqkv, g.dpreatt,
                    a.att, latt, g.datty, a.qkv, l3c, state, DropoutKernels.attentionSite(l), T, C, NH));
            prog.add(Launch.of(backward(layer(l, ATTENTION), KEY), Kernels.ATTENTION_BACKWARD_KEY, 0, B * NH * T, g.dqkv, g.dpreatt,
                    a.att, latt, g.datty, a.qkv, l3c, state, DropoutKernels.attentionSite(l), T, C, NH));
            prog.add(Launch.of(backward(layer(l, QKV), DINP), Kernels.MATMUL_BACKWARD_INPUT, 0, btc, g.dln, 0, g.dqkv, 0,
                    params, p.qkvWeight(l), C, 3 * C));
            prog.add(Launch.of(backward(layer(l, QKV), DWEIGHT), Kernels.MATMUL_BACKWARD_WEIGHT_SET, 0, 3 * C * C, grads, p.qkvWeight(l),
                    g.dqkv, 0, a.ln1, lc, bt, C, 3 * C));
            if (p.qkvBias(l) >= 0)
                prog.add(Launch.of(backward(layer(l, QKV), DBIAS), Kernels.MATMUL_BACKWARD_BIAS, 0, 3 * C, grads, p.qkvBias(l), g.dqkv, 0, bt, 3 * C));
            prog.add(Launch.of(backward(layer(l, LN1), DINP), Kernels.LAYER_NORM_BACKWARD_INPUT, 0, bt, g.dres, 0, g.dln, 0,
                    a.ln1Mean, a.ln1Rstd, lbt, x, xOff, params, p.ln1Weight(l), C));
            prog.add(Launch.of(backward(layer(l, LN1), DPARAMS), Kernels.LAYER_NORM_BACKWARD_PARAMS, 0, C, grads, p.ln1Weight(l), p.ln1Bias(l),
                    g.dln, 0, a.ln1Mean, a.ln1Rstd, lbt, x, xOff, bt, C));
        }

        prog.add(Launch.of(backward(ENCODER_DROPOUT), Kernels.DROPOUT_BACKWARD, 0, btc, g.dres, 0, state, DropoutKernels.EMBEDDING_SITE));
        prog.add(Launch.of(backward(ENCODER, WTE), Kernels.ENCODER_BACKWARD_WTE, 0, C, grads, p.wte(), g.dres, a.tokens, bt, C));
        prog.add(Launch.of(backward(ENCODER, WPE), Kernels.ENCODER_BACKWARD_WPE, 0, T * C, grads, p.wpe(), g.dres, B, T, C));
        prog.persistOnDevice(grads);
        return prog;
    }

    /**
     * The parts of the gradient buffer that the backward pass accumulates into (biases, layer
     * norms, wpe, and wte when the head is untied), as {offset, length} runs in buffer order: all
     * but the weight matrices, whose one product writes them ({@code MATMUL_BACKWARD_WEIGHT_SET})
     * without reading them. Only these are zeroed first; zeroing the whole buffer wrote 498 MB per
     * GPT-2 124M step for nothing (15-18 ms).
     */
    public static int[][] accumulated(ParameterLayout p) {
        GptConfig cfg = p.config();
        int C = cfg.embDim(), L = cfg.nLayers();
        List<int[]> written = new ArrayList<>(); // {offset, length} of every matrix a product writes
        written.add(new int[] {p.lmHead(), cfg.vocabSize() * C});
        for (int l = 0; l < L; l++) {
            written.add(new int[] {p.qkvWeight(l), 3 * C * C});
            written.add(new int[] {p.attnProjWeight(l), C * C});
            written.add(new int[] {p.fcWeight(l), 4 * C * C});
            written.add(new int[] {p.fcProjWeight(l), 4 * C * C});
        }
        written.sort(Comparator.comparingInt(w -> w[0]));
        List<int[]> gaps = new ArrayList<>();
        int at = 0;
        for (int[] w : written) {
            if (w[0] > at) gaps.add(new int[] {at, w[0] - at});
            at = Math.max(at, w[0] + w[1]);
        }
        if (at < p.size()) gaps.add(new int[] {at, p.size() - at});
        return gaps.toArray(new int[0][]);
    }
}
