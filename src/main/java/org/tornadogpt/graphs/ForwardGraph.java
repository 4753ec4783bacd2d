package org.tornadogpt.graphs;

import static org.tornadogpt.graphs.TaskNames.*;

import org.tornadogpt.kernels.DropoutKernels;
import org.tornadogpt.kernels.StepSlots;
import org.tornadogpt.model.GptConfig;
import org.tornadogpt.model.GptModel;
import org.tornadogpt.model.ParameterLayout;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The forward pass as a program of kernel launches, for inference ({@link #build}) and for training
 * ({@link #buildTraining}: dropout where the book's model has it, the loss over an evaluation window).
 *
 * <pre>
 * tokens --encoder(wte, wpe)--> x [--dropout-->]                                    (train: drop x)
 * for each layer l:
 *   x --ln1--> h --qkv--> qkv --attn[dropout on P]--> y --attproj--> a ; x2 = x + [drop](a)  (res2)
 *   x2 --ln2--> h2 --fc--> f --gelu--> g --fcproj--> p ; x = x2 + [drop](p)                  (res3)
 * x --lnf--> hf --logits(lm_head)--> logits [--xent(targets)--> losses --meanloss--> loss]
 * </pre>
 */
public final class ForwardGraph {
    private ForwardGraph() {}

    /** Builds the inference program over {@code a}'s (B, T); with {@code withLoss} also the loss. */
    public static Program build(GptModel model, Activations a, boolean withLoss) {
        Program prog = new Program(withLoss ? "forward_loss" : "forward");
        IntArray noDropout = new IntArray(StepSlots.INTS); // all 0: threshold 0, attention without dropout
        prog.onceToDevice(model.params(), noDropout).everyToDevice(a.tokens);
        if (withLoss) prog.everyToDevice(a.targets);
        addLaunches(prog, model, a, withLoss, noDropout, false);
        if (withLoss) prog.everyToHost(a.loss);
        else prog.everyToHost(a.logits);
        return prog;
    }

    /**
     * Builds the training forward program: dropout after the embedding sum, on the attention
     * probabilities and on both residual branches, at the rate, seed and step in {@code state}
     * ({@code StepSlots}; threshold 0 = no dropout, bit-identical to {@link #build}); the loss is
     * the mean over the window ROWS x COLS of {@code state}. Everything the backward pass reads stays
     * on the device ({@link Program#persistOnDevice}); only the loss comes back to the host.
     */
    public static Program buildTraining(GptModel model, Activations a, IntArray state) {
        Program prog = new Program("train_forward");
        prog.onceToDevice(model.params()).onceToDevice(a.all());
        prog.everyToDevice(a.tokens, a.targets, state);
        addLaunches(prog, model, a, true, state, true);
        prog.persistOnDevice(model.params(), a.tokens, a.targets).persistOnDevice(a.all());
        prog.everyToHost(a.loss);
        return prog;
    }

    private static void addLaunches(Program prog, GptModel model, Activations a, boolean withLoss, IntArray state, boolean train) {
        GptConfig cfg = model.config();
        ParameterLayout p = model.layout();
        FloatArray params = model.params();
        int B = a.B, T = a.T, C = cfg.embDim(), NH = cfg.nHeads(), V = cfg.vocabSize(), L = cfg.nLayers();
        int bt = B * T, btc = bt * C;

        prog.add(Launch.of(ENCODER, Kernels.ENCODER_FORWARD, 0, btc, a.encoded, a.tokens, params, p.wte(), p.wpe(), T, C));
        if (train)
            prog.add(Launch.of(ENCODER_DROPOUT, Kernels.DROPOUT_FORWARD, 0, btc, a.encoded, 0, state, DropoutKernels.EMBEDDING_SITE));
        for (int l = 0; l < L; l++) {
            FloatArray x = a.residualIn(l);
            int xOff = a.residualInOffset(l, C);
            int lc = l * btc, l3c = l * bt * 3 * C, l4c = l * bt * 4 * C, lbt = l * bt, latt = l * B * NH * T * T;
            prog.add(Launch.of(layer(l, LN1), Kernels.LAYER_NORM_FORWARD, 0, bt, a.ln1, lc, a.ln1Mean, a.ln1Rstd, lbt,
                    x, xOff, params, p.ln1Weight(l), p.ln1Bias(l), C));
            prog.add(Launch.of(layer(l, QKV), Kernels.MATMUL_FORWARD, 0, bt * 3 * C, a.qkv, l3c, a.ln1, lc,
                    params, p.qkvWeight(l), p.qkvBias(l), C, 3 * C));
            prog.add(Launch.of(layer(l, ATTENTION), Kernels.ATTENTION_FORWARD, 0, B * NH * T, a.atty, lc,
                    a.att, latt, a.qkv, l3c, state, DropoutKernels.attentionSite(l), T, C, NH));
            prog.add(Launch.of(layer(l, ATTN_PROJ), Kernels.MATMUL_FORWARD, 0, btc, a.attproj, lc, a.atty, lc,
                    params, p.attnProjWeight(l), p.attnProjBias(l), C, C));
            if (train)
                prog.add(Launch.of(layer(l, RESIDUAL2), Kernels.RESIDUAL_FORWARD_DROPOUT, 0, btc, a.residual2, lc, x, xOff,
                        a.attproj, lc, state, DropoutKernels.attnProjSite(l)));
            else
                prog.add(Launch.of(layer(l, RESIDUAL2), Kernels.RESIDUAL_FORWARD, 0, btc, a.residual2, lc, x, xOff, a.attproj, lc));
            prog.add(Launch.of(layer(l, LN2), Kernels.LAYER_NORM_FORWARD, 0, bt, a.ln2, lc, a.ln2Mean, a.ln2Rstd, lbt,
                    a.residual2, lc, params, p.ln2Weight(l), p.ln2Bias(l), C));
            prog.add(Launch.of(layer(l, FC), Kernels.MATMUL_FORWARD, 0, bt * 4 * C, a.fch, l4c, a.ln2, lc,
                    params, p.fcWeight(l), p.fcBias(l), C, 4 * C));
            prog.add(Launch.of(layer(l, GELU), Kernels.GELU_FORWARD, 0, bt * 4 * C, a.fchGelu, l4c, a.fch, l4c));
            prog.add(Launch.of(layer(l, FC_PROJ), Kernels.MATMUL_FORWARD, 0, btc, a.fcproj, lc, a.fchGelu, l4c,
                    params, p.fcProjWeight(l), p.fcProjBias(l), 4 * C, C));
            if (train)
                prog.add(Launch.of(layer(l, RESIDUAL3), Kernels.RESIDUAL_FORWARD_DROPOUT, 0, btc, a.residual3, lc, a.residual2, lc,
                        a.fcproj, lc, state, DropoutKernels.mlpSite(l)));
            else
                prog.add(Launch.of(layer(l, RESIDUAL3), Kernels.RESIDUAL_FORWARD, 0, btc, a.residual3, lc, a.residual2, lc, a.fcproj, lc));
        }
        prog.add(Launch.of(LNF, Kernels.LAYER_NORM_FORWARD, 0, bt, a.lnf, 0, a.lnfMean, a.lnfRstd, 0,
                a.residualIn(L), a.residualInOffset(L, C), params, p.lnfWeight(), p.lnfBias(), C));
        prog.add(Launch.of(LOGITS, Kernels.MATMUL_FORWARD, 0, bt * V, a.logits, 0, a.lnf, 0, params, p.lmHead(), -1, C, V));
        if (withLoss) {
            prog.add(Launch.of(CROSS_ENTROPY, Kernels.CROSS_ENTROPY_FORWARD, 0, bt, a.probs, a.losses, a.logits, a.targets, V));
            if (train)
                prog.add(Launch.of(MEAN_LOSS, Kernels.CROSS_ENTROPY_MEAN_LOSS_WINDOW, 0, 1, a.loss, a.losses, state, T));
            else
                prog.add(Launch.of(MEAN_LOSS, Kernels.CROSS_ENTROPY_MEAN_LOSS, 0, 1, a.loss, a.losses, bt));
        }
    }
}
