package org.tornadogpt.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where every parameter tensor lives in the one flat parameter buffer (the same offsets address
 * the gradient and the AdamW m/v buffers).
 *
 * <p>All matrices are stored {@code [out, in]} (nn.Linear / llm.c order), so every product is
 * {@code y[o] = sum_i x[i] * W[o, i]}. Order in the buffer: {@code wte, wpe}, then each layer's
 * tensors together, then {@code lnf}, then {@code lm_head} when the head is untied.
 *
 * <pre>
 * wte                     (V, C)      token embedding (and the tied LM head)
 * wpe                     (Tmax, C)   position embedding
 * h.{l}.ln1.weight/bias   (C)
 * h.{l}.attn.qkv.weight   (3C, C)     rows 0..C-1 q, C..2C-1 k, 2C..3C-1 v
 * h.{l}.attn.qkv.bias     (3C)        only with qkvBias
 * h.{l}.attn.proj.weight  (C, C),  .bias (C)
 * h.{l}.ln2.weight/bias   (C)
 * h.{l}.mlp.fc.weight     (4C, C), .bias (4C)
 * h.{l}.mlp.proj.weight   (C, 4C), .bias (C)
 * lnf.weight/bias         (C)
 * lm_head                 (V, C)      only when untied
 * </pre>
 */
public final class ParameterLayout {

    /** One tensor: its name, shape and element offset in the flat buffer. */
    public record Tensor(String name, int[] shape, int offset, int size) {
        public String shapeString() {
            return Arrays.toString(shape);
        }
    }

    private final GptConfig config;
    private final List<Tensor> tensors = new ArrayList<>();
    private final Map<String, Tensor> byName = new LinkedHashMap<>();
    private int total;

    private final int wte, wpe, lnfw, lnfb, lmHead;
    private final int[] ln1w, ln1b, qkvw, qkvb, attprojw, attprojb, ln2w, ln2b, fcw, fcb, fcprojw, fcprojb;

    public ParameterLayout(GptConfig cfg) {
        this.config = cfg;
        int v = cfg.vocabSize(), t = cfg.contextLength(), c = cfg.embDim(), nl = cfg.nLayers();
        wte = add("wte", v, c);
        wpe = add("wpe", t, c);
        ln1w = new int[nl]; ln1b = new int[nl]; qkvw = new int[nl]; qkvb = new int[nl];
        attprojw = new int[nl]; attprojb = new int[nl]; ln2w = new int[nl]; ln2b = new int[nl];
        fcw = new int[nl]; fcb = new int[nl]; fcprojw = new int[nl]; fcprojb = new int[nl];
        for (int l = 0; l < nl; l++) {
            String p = "h." + l + ".";
            ln1w[l] = add(p + "ln1.weight", c);
            ln1b[l] = add(p + "ln1.bias", c);
            qkvw[l] = add(p + "attn.qkv.weight", 3 * c, c);
            qkvb[l] = cfg.qkvBias() ? add(p + "attn.qkv.bias", 3 * c) : -1;
            attprojw[l] = add(p + "attn.proj.weight", c, c);
            attprojb[l] = add(p + "attn.proj.bias", c);
            ln2w[l] = add(p + "ln2.weight", c);
            ln2b[l] = add(p + "ln2.bias", c);
            fcw[l] = add(p + "mlp.fc.weight", 4 * c, c);
            fcb[l] = add(p + "mlp.fc.bias", 4 * c);
            fcprojw[l] = add(p + "mlp.proj.weight", c, 4 * c);
            fcprojb[l] = add(p + "mlp.proj.bias", c);
        }
        lnfw = add("lnf.weight", c);
        lnfb = add("lnf.bias", c);
        lmHead = cfg.tiedHead() ? wte : add("lm_head", v, c);
        if (total != cfg.parameterCount())
            throw new IllegalStateException("layout has " + total + " parameters, config counts " + cfg.parameterCount());
    }

    private int add(String name, int... shape) {
        long size = 1;
        for (int d : shape) size *= d;
        Tensor tensor = new Tensor(name, shape, total, (int) size);
        tensors.add(tensor);
        byName.put(name, tensor);
        int off = total;
        total = Math.toIntExact(total + size);
        return off;
    }

    public GptConfig config() { return config; }

    /** Number of parameters (elements of the flat buffer). */
    public int size() { return total; }

    public List<Tensor> tensors() { return Collections.unmodifiableList(tensors); }

    public Tensor tensor(String name) {
        Tensor t = byName.get(name);
        if (t == null) throw new IllegalArgumentException("no parameter tensor named '" + name + "'");
        return t;
    }

    public boolean has(String name) { return byName.containsKey(name); }

    public int wte() { return wte; }
    public int wpe() { return wpe; }
    public int lnfWeight() { return lnfw; }
    public int lnfBias() { return lnfb; }
    /** Offset of the LM head matrix (V, C): {@link #wte()} when tied. */
    public int lmHead() { return lmHead; }
    public int ln1Weight(int l) { return ln1w[l]; }
    public int ln1Bias(int l) { return ln1b[l]; }
    public int qkvWeight(int l) { return qkvw[l]; }
    /** -1 when the model has no q/k/v bias. */
    public int qkvBias(int l) { return qkvb[l]; }
    public int attnProjWeight(int l) { return attprojw[l]; }
    public int attnProjBias(int l) { return attprojb[l]; }
    public int ln2Weight(int l) { return ln2w[l]; }
    public int ln2Bias(int l) { return ln2b[l]; }
    public int fcWeight(int l) { return fcw[l]; }
    public int fcBias(int l) { return fcb[l]; }
    public int fcProjWeight(int l) { return fcprojw[l]; }
    public int fcProjBias(int l) { return fcprojb[l]; }
}
