package org.tornadogpt.graphs;

/**
 * Task ids in one place, so the graph builders, grid schedulers and device choices agree.
 * Ids are plain identifiers (letters, digits, '_'): TornadoVM derives kernel names from them.
 */
public final class TaskNames {
    private TaskNames() {}

    public static final String ENCODER = "encoder";
    public static final String LNF = "lnf";
    public static final String LOGITS = "logits";
    public static final String CROSS_ENTROPY = "xent";
    public static final String MEAN_LOSS = "meanloss";

    public static final String LN1 = "ln1";
    public static final String QKV = "qkv";
    public static final String ATTENTION = "attn";
    public static final String ATTN_PROJ = "attproj";
    public static final String RESIDUAL2 = "res2";
    public static final String LN2 = "ln2";
    public static final String FC = "fc";
    public static final String GELU = "gelu";
    public static final String FC_PROJ = "fcproj";
    public static final String RESIDUAL3 = "res3";

    /** Training only: dropout of the embedding sum, in place. */
    public static final String ENCODER_DROPOUT = "encdrop";

    /** Backward: zeroing of the parameter gradients (the first launch of every backward pass). */
    public static final String ZERO_GRADS = "zerograds";
    /** Backward: zeroing of the residual-stream gradient before the final layer norm adds into it. */
    public static final String ZERO_DRES = "zerodres";
    /** Backward parts of a layer norm and of the attention. */
    public static final String DPARAMS = "dparams";
    public static final String QUERY = "q";
    public static final String KEY = "k";
    /** Backward parts of a dense layer (matmul): input, weight and bias gradients. */
    public static final String DINP = "dinp";
    public static final String DWEIGHT = "dw";
    public static final String DBIAS = "db";
    /** Backward of the embedding: token and position tables. */
    public static final String WTE = "wte";
    public static final String WPE = "wpe";

    /** Update program: gradient-norm partial sums, their total and clip factor, AdamW. */
    public static final String NORM_PARTIALS = "normpartials";
    public static final String NORM = "norm";
    public static final String ADAMW = "adamw";

    /** The dense layers of a block, whose backward launches are matrix products. */
    public static final String[] LAYER_MATMULS = {QKV, ATTN_PROJ, FC, FC_PROJ};

    // decoding with a KV cache (DecodeGraph, PrefillGraph)
    public static final String STORE_KV = "kvstore";
    public static final String ATT_SCORES = "attscores";
    public static final String ATT_SOFTMAX = "attsoftmax";
    public static final String ATT_VALUES = "attvalues";

    /** The row of the last prompt position, picked by a position read from the step array. */
    public static final String LAST_ROW = "lastrow";
    /**
     * The first program of the inference group: puts the weights and the cache on the device; its
     * tasks are {@code upload_<k>}, one per buffer.
     */
    public static final String UPLOAD = "upload";


    /**
     * Id of a decode-step task (one new position with the KV cache), e.g. {@code "dec_l3_qkv"}. Its
     * matrix products are {@code decode(layer(l, m))} for m in {@link #LAYER_MATMULS}, and
     * {@code decode(LOGITS)}; the same holds for {@link #prefill}.
     */
    public static String decode(String id) {
        return "dec_" + id;
    }

    /** Id of a prefill / cache-less inference task over T positions, e.g. {@code "pre_l3_qkv"}. */
    public static String prefill(String id) {
        return "pre_" + id;
    }

    /** Id of a per-layer task, e.g. {@code layer(3, QKV)} is {@code "l3_qkv"}. */
    public static String layer(int l, String op) {
        return "l" + l + "_" + op;
    }

    /** Id of a backward task, e.g. {@code backward(layer(3, QKV))} is {@code "bwd_l3_qkv"}. */
    public static String backward(String id) {
        return "bwd_" + id;
    }

    /**
     * Id of one part of a backward task, e.g. {@code backward(layer(3, QKV), DWEIGHT)} is
     * {@code "bwd_l3_qkv_dw"}. The matrix products of the backward pass are exactly the launches
     * {@code backward(LOGITS or layer(l, m), DINP or DWEIGHT)} for m in {@link #LAYER_MATMULS}
     * (kernels {@code MatmulKernels.backwardInput} and {@code backwardWeight}).
     */
    public static String backward(String id, String part) {
        return "bwd_" + id + "_" + part;
    }
}
