package org.tornadogpt.graphs;

import static org.tornadogpt.graphs.TaskNames.*;

import org.tornadogpt.model.GptModel;

/**
 * The update program: with clipping, the global gradient norm and PyTorch's clip factor first, then
 * one AdamW launch over the flat buffers. Without clipping nothing needs the norm, so the program
 * is the AdamW launch alone (the factor stays 1) and {@code TrainingSession.gradNorm} computes the
 * norm when asked: reading all gradients once more cost 16-24 ms of a 650 ms GPT-2 124M step.
 * Hyper-parameters of the step (learning rate, bias corrections, decay factor, clip threshold)
 * come from {@link TrainingBuffers#floats}, copied to the device on every run; parameters,
 * gradients and moments stay on the device.
 *
 * <pre>
 * [clipping] grads --normpartials--> partials (NORM_BLOCKS) --norm--> [norm, scale]
 * grads, [norm, scale] --adamw(params, m, v)
 * </pre>
 */
public final class OptimizerGraph {
    private OptimizerGraph() {}

    /**
     * @param forward  the program that owns the parameters on the device
     * @param backward the program that owns the gradients on the device
     * @param clip     whether the step clips the gradients by their global norm
     */
    public static Program build(GptModel model, TrainingBuffers tb, Program forward, Program backward, boolean clip) {
        int P = model.layout().size();
        int blocks = Math.min(TrainingBuffers.NORM_BLOCKS, P);
        Program prog = new Program("train_update");
        prog.consumeFromDevice(forward, model.params()).consumeFromDevice(backward, tb.grads);
        prog.onceToDevice(tb.m, tb.v, tb.norm);
        if (clip) prog.onceToDevice(tb.partials);
        prog.everyToDevice(tb.floats);
        if (clip) {
            prog.add(Launch.of(NORM_PARTIALS, Kernels.GRADIENT_NORM_PARTIALS, 0, blocks, tb.partials, tb.grads, P, blocks));
            prog.add(Launch.of(NORM, Kernels.GRADIENT_CLIP_SCALE, 0, 1, tb.norm, tb.partials, blocks, tb.floats));
        }
        prog.add(Launch.of(ADAMW, Kernels.ADAMW_UPDATE, 0, P, model.params(), tb.m, tb.v, tb.grads, tb.floats, tb.norm));
        prog.persistOnDevice(tb.m, tb.v, tb.norm);
        return prog;
    }
}
