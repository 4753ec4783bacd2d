package org.tornadogpt.graphs;

import org.tornadogpt.kernels.AdamWKernels;
import org.tornadogpt.kernels.AttentionKernels;
import org.tornadogpt.kernels.CrossEntropyKernels;
import org.tornadogpt.kernels.DecodeKernels;
import org.tornadogpt.kernels.DropoutKernels;
import org.tornadogpt.kernels.EncoderKernels;
import org.tornadogpt.kernels.GeluKernels;
import org.tornadogpt.kernels.GradientKernels;
import org.tornadogpt.kernels.LayerNormKernels;
import org.tornadogpt.kernels.MatmulKernels;
import org.tornadogpt.kernels.ResidualKernels;

import uk.ac.manchester.tornado.api.common.TornadoFunctions.*;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The kernels of the graph builders, one reference each. Every {@link Launch} of {@link ForwardGraph},
 * {@link BackwardGraph}, {@link OptimizerGraph} and {@link InferenceGraphs} uses these objects as its
 * task, so a runtime can tell which kernel a launch runs by identity ({@code launch.task() ==
 * Kernels.MATMUL_FORWARD}): the JVM runtime replaces recognised launches by fast paths that compute
 * the same function ({@code org.tornadogpt.runtime.jvm.FastPaths}). To TornadoVM they are ordinary
 * method references.
 */
public final class Kernels {
    private Kernels() {}

    // AdamWKernels
    public static final Task8<Integer, Integer, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray> ADAMW_UPDATE = AdamWKernels::update;

    // AttentionKernels
    public static final Task13<Integer, Integer, FloatArray, Integer, FloatArray, Integer, FloatArray, Integer, IntArray, Integer, Integer, Integer, Integer> ATTENTION_FORWARD = AttentionKernels::forward;
    public static final Task14<Integer, Integer, FloatArray, FloatArray, FloatArray, Integer, FloatArray, FloatArray, Integer, IntArray, Integer, Integer, Integer, Integer> ATTENTION_BACKWARD_QUERY = AttentionKernels::backwardQuery;
    public static final Task14<Integer, Integer, FloatArray, FloatArray, FloatArray, Integer, FloatArray, FloatArray, Integer, IntArray, Integer, Integer, Integer, Integer> ATTENTION_BACKWARD_KEY = AttentionKernels::backwardKey;

    // CrossEntropyKernels
    public static final Task7<Integer, Integer, FloatArray, FloatArray, FloatArray, IntArray, Integer> CROSS_ENTROPY_FORWARD = CrossEntropyKernels::forward;
    public static final Task5<Integer, Integer, FloatArray, FloatArray, Integer> CROSS_ENTROPY_MEAN_LOSS = CrossEntropyKernels::meanLoss;
    public static final Task6<Integer, Integer, FloatArray, FloatArray, IntArray, Integer> CROSS_ENTROPY_MEAN_LOSS_WINDOW = CrossEntropyKernels::meanLossWindow;
    public static final Task7<Integer, Integer, FloatArray, FloatArray, IntArray, Integer, Integer> CROSS_ENTROPY_BACKWARD = CrossEntropyKernels::backward;

    // DecodeKernels
    public static final Task8<Integer, Integer, FloatArray, IntArray, FloatArray, Integer, Integer, Integer> DECODE_EMBED = DecodeKernels::embed;
    public static final Task6<Integer, Integer, FloatArray, FloatArray, IntArray, Integer> DECODE_COPY_ROW = DecodeKernels::copyRow;
    public static final Task4<Integer, Integer, FloatArray, Float> DECODE_FILL = DecodeKernels::fill;
    public static final Task3<Integer, Integer, FloatArray> DECODE_RETAIN = DecodeKernels::retain;
    public static final Task3<Integer, Integer, IntArray> DECODE_RETAIN_INTS = DecodeKernels::retainInts;
    public static final Task9<Integer, Integer, FloatArray, FloatArray, Integer, FloatArray, Integer, IntArray, Integer> DECODE_STORE_KV = DecodeKernels::storeKv;
    public static final Task8<Integer, Integer, FloatArray, FloatArray, Integer, FloatArray, Integer, Integer> DECODE_STORE_KV_ROWS = DecodeKernels::storeKvRows;
    public static final Task11<Integer, Integer, FloatArray, FloatArray, Integer, FloatArray, Integer, IntArray, Integer, Integer, Integer> DECODE_ATTENTION_SCORES = DecodeKernels::attentionScores;
    public static final Task5<Integer, Integer, FloatArray, IntArray, Integer> DECODE_ATTENTION_SOFTMAX = DecodeKernels::attentionSoftmax;
    public static final Task10<Integer, Integer, FloatArray, FloatArray, FloatArray, Integer, IntArray, Integer, Integer, Integer> DECODE_ATTENTION_VALUES = DecodeKernels::attentionValues;

    // DropoutKernels
    public static final Task6<Integer, Integer, FloatArray, Integer, IntArray, Integer> DROPOUT_FORWARD = DropoutKernels::forward;
    public static final Task6<Integer, Integer, FloatArray, Integer, IntArray, Integer> DROPOUT_BACKWARD = DropoutKernels::backward;

    // EncoderKernels
    public static final Task9<Integer, Integer, FloatArray, IntArray, FloatArray, Integer, Integer, Integer, Integer> ENCODER_FORWARD = EncoderKernels::forward;
    public static final Task8<Integer, Integer, FloatArray, Integer, FloatArray, IntArray, Integer, Integer> ENCODER_BACKWARD_WTE = EncoderKernels::backwardWte;
    public static final Task8<Integer, Integer, FloatArray, Integer, FloatArray, Integer, Integer, Integer> ENCODER_BACKWARD_WPE = EncoderKernels::backwardWpe;

    // GeluKernels
    public static final Task6<Integer, Integer, FloatArray, Integer, FloatArray, Integer> GELU_FORWARD = GeluKernels::forward;
    public static final Task6<Integer, Integer, FloatArray, Integer, FloatArray, Integer> GELU_BACKWARD = GeluKernels::backward;

    // GradientKernels
    public static final Task4<Integer, Integer, FloatArray, Integer> GRADIENT_ZERO = GradientKernels::zero;
    public static final Task5<Integer, Integer, FloatArray, IntArray, Integer> GRADIENT_ZERO_RUNS = GradientKernels::zeroRuns;
    public static final Task6<Integer, Integer, FloatArray, FloatArray, Integer, Integer> GRADIENT_NORM_PARTIALS = GradientKernels::normPartials;
    public static final Task6<Integer, Integer, FloatArray, FloatArray, Integer, FloatArray> GRADIENT_CLIP_SCALE = GradientKernels::clipScale;

    // LayerNormKernels
    public static final Task13<Integer, Integer, FloatArray, Integer, FloatArray, FloatArray, Integer, FloatArray, Integer, FloatArray, Integer, Integer, Integer> LAYER_NORM_FORWARD = LayerNormKernels::forward;
    public static final Task14<Integer, Integer, FloatArray, Integer, FloatArray, Integer, FloatArray, FloatArray, Integer, FloatArray, Integer, FloatArray, Integer, Integer> LAYER_NORM_BACKWARD_INPUT = LayerNormKernels::backwardInput;
    public static final Task14<Integer, Integer, FloatArray, Integer, Integer, FloatArray, Integer, FloatArray, FloatArray, Integer, FloatArray, Integer, Integer, Integer> LAYER_NORM_BACKWARD_PARAMS = LayerNormKernels::backwardParams;

    // MatmulKernels
    public static final Task11<Integer, Integer, FloatArray, Integer, FloatArray, Integer, FloatArray, Integer, Integer, Integer, Integer> MATMUL_FORWARD = MatmulKernels::forward;
    public static final Task10<Integer, Integer, FloatArray, Integer, FloatArray, Integer, FloatArray, Integer, Integer, Integer> MATMUL_BACKWARD_INPUT = MatmulKernels::backwardInput;
    public static final Task11<Integer, Integer, FloatArray, Integer, FloatArray, Integer, FloatArray, Integer, Integer, Integer, Integer> MATMUL_BACKWARD_WEIGHT = MatmulKernels::backwardWeight;
    public static final Task11<Integer, Integer, FloatArray, Integer, FloatArray, Integer, FloatArray, Integer, Integer, Integer, Integer> MATMUL_BACKWARD_WEIGHT_SET = MatmulKernels::backwardWeightSet;
    public static final Task8<Integer, Integer, FloatArray, Integer, FloatArray, Integer, Integer, Integer> MATMUL_BACKWARD_BIAS = MatmulKernels::backwardBias;

    // ResidualKernels
    public static final Task8<Integer, Integer, FloatArray, Integer, FloatArray, Integer, FloatArray, Integer> RESIDUAL_FORWARD = ResidualKernels::forward;
    public static final Task6<Integer, Integer, FloatArray, Integer, FloatArray, Integer> RESIDUAL_ACCUMULATE = ResidualKernels::accumulate;
    public static final Task10<Integer, Integer, FloatArray, Integer, FloatArray, Integer, FloatArray, Integer, IntArray, Integer> RESIDUAL_FORWARD_DROPOUT = ResidualKernels::forwardDropout;
    public static final Task6<Integer, Integer, FloatArray, FloatArray, IntArray, Integer> RESIDUAL_BACKWARD = ResidualKernels::backward;
}
