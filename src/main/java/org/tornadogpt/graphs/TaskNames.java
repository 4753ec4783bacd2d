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

    // decoding with a KV cache (DecodeGraph, PrefillGraph)
    public static final String STORE_KV = "kvstore";
    public static final String ATT_SCORES = "attscores";
    public static final String ATT_SOFTMAX = "attsoftmax";
    public static final String ATT_VALUES = "attvalues";

    /**
     * The matrix products of a forward, decode or prefill program, by op name (a JVM fast path can
     * replace any launch whose id ends in one of these after the layer prefix).
     */
    public static final java.util.List<String> MATMULS = java.util.List.of(QKV, ATTN_PROJ, FC, FC_PROJ, LOGITS);

    /** Id of a decode-step task (one new position with the KV cache), e.g. {@code "dec_l3_qkv"}. */
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
}
