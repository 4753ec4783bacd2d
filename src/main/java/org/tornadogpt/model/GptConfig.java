package org.tornadogpt.model;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Size and layout of a GPT-2 style model.
 *
 * <p>Two parameter layouts exist: {@code gpt2} (bias on the q/k/v projection, LM head tied to the
 * token embedding: the pretrained GPT-2 checkpoints) and {@code scratch} (no q/k/v bias, a separate
 * {@code out_head}: the model of "Build a Large Language Model (From Scratch)"). Any other mix of the
 * two flags is allowed and called {@code custom}. {@code nLayers == 0} is the bigram-style baseline:
 * embeddings, final layer norm and head only.
 *
 * @param vocabSize     V, the real vocabulary (no padding)
 * @param contextLength Tmax, the number of learned positions
 * @param embDim        C
 * @param nHeads        NH; C must be a multiple of it when there are layers
 * @param nLayers       L
 * @param qkvBias       whether the q/k/v projection has a bias
 * @param tiedHead      whether logits use {@code wte} (true) or a separate {@code lm_head} (false)
 */
public record GptConfig(int vocabSize, int contextLength, int embDim, int nHeads, int nLayers,
                        boolean qkvBias, boolean tiedHead) {

    public GptConfig {
        if (vocabSize <= 0) throw new IllegalArgumentException("vocab size must be positive, got " + vocabSize);
        if (contextLength <= 0) throw new IllegalArgumentException("context length must be positive, got " + contextLength);
        if (embDim <= 0) throw new IllegalArgumentException("embedding size must be positive, got " + embDim);
        if (nLayers < 0) throw new IllegalArgumentException("layer count must not be negative, got " + nLayers);
        if (nHeads <= 0) throw new IllegalArgumentException("head count must be positive, got " + nHeads);
        if (nLayers > 0 && embDim % nHeads != 0)
            throw new IllegalArgumentException("embedding size " + embDim + " is not a multiple of the head count " + nHeads);
        long params = countParameters(vocabSize, contextLength, embDim, nLayers, qkvBias, tiedHead);
        if (params > Integer.MAX_VALUE - 64)
            throw new IllegalArgumentException("model has " + params + " parameters; at most " + (Integer.MAX_VALUE - 64) + " fit one buffer");
    }

    public static final GptConfig GPT2_124M = gpt2(50257, 1024, 768, 12, 12);
    public static final GptConfig GPT2_355M = gpt2(50257, 1024, 1024, 16, 24);
    public static final GptConfig GPT2_774M = gpt2(50257, 1024, 1280, 20, 36);
    public static final GptConfig GPT2_1558M = gpt2(50257, 1024, 1600, 25, 48);
    /** The book's GPT_CONFIG_124M: context 256, no qkv bias, untied out_head. */
    public static final GptConfig BOOK_124M = scratch(50257, 256, 768, 12, 12);

    /** Named presets, as accepted by {@code --model}. */
    public static Map<String, GptConfig> presets() {
        Map<String, GptConfig> m = new LinkedHashMap<>();
        m.put("124M", GPT2_124M);
        m.put("355M", GPT2_355M);
        m.put("774M", GPT2_774M);
        m.put("1558M", GPT2_1558M);
        m.put("book-124M", BOOK_124M);
        return m;
    }

    public static GptConfig preset(String name) {
        for (var e : presets().entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) return e.getValue();
        }
        throw new IllegalArgumentException("unknown model preset '" + name + "'; known: " + String.join(", ", presets().keySet()));
    }

    public static GptConfig gpt2(int vocab, int context, int emb, int heads, int layers) {
        return new GptConfig(vocab, context, emb, heads, layers, true, true);
    }

    public static GptConfig scratch(int vocab, int context, int emb, int heads, int layers) {
        return new GptConfig(vocab, context, emb, heads, layers, false, false);
    }

    public GptConfig withVocabSize(int v) {
        return new GptConfig(v, contextLength, embDim, nHeads, nLayers, qkvBias, tiedHead);
    }

    public GptConfig withContextLength(int t) {
        return new GptConfig(vocabSize, t, embDim, nHeads, nLayers, qkvBias, tiedHead);
    }

    public int headDim() {
        return embDim / nHeads;
    }

    public int ffHidden() {
        return 4 * embDim;
    }

    /** "gpt2", "scratch" or "custom". */
    public String layoutName() {
        if (qkvBias && tiedHead) return "gpt2";
        if (!qkvBias && !tiedHead) return "scratch";
        return "custom";
    }

    public long parameterCount() {
        return countParameters(vocabSize, contextLength, embDim, nLayers, qkvBias, tiedHead);
    }

    static long countParameters(long v, long t, long c, long l, boolean qkvBias, boolean tied) {
        long perLayer = 2 * c                     // ln1
                + 3 * c * c + (qkvBias ? 3 * c : 0) // qkv
                + c * c + c                       // attn proj
                + 2 * c                           // ln2
                + 4 * c * c + 4 * c               // fc
                + 4 * c * c + c;                  // fc proj
        return v * c + t * c + l * perLayer + 2 * c + (tied ? 0 : v * c);
    }

    /** Metadata stored in checkpoints (all values strings, as safetensors metadata requires). */
    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("vocab_size", Integer.toString(vocabSize));
        m.put("context_length", Integer.toString(contextLength));
        m.put("emb_dim", Integer.toString(embDim));
        m.put("n_heads", Integer.toString(nHeads));
        m.put("n_layers", Integer.toString(nLayers));
        m.put("qkv_bias", Boolean.toString(qkvBias));
        m.put("tied", Boolean.toString(tiedHead));
        m.put("variant", layoutName());
        return m;
    }

    /** Reads the keys written by {@link #toMetadata()} (also the fixtures' metadata). */
    public static GptConfig fromMetadata(Map<String, String> m) {
        String variant = m.getOrDefault("variant", "gpt2");
        boolean qkv = Boolean.parseBoolean(m.getOrDefault("qkv_bias", Boolean.toString(!"scratch".equals(variant))));
        boolean tied = Boolean.parseBoolean(m.getOrDefault("tied", Boolean.toString(!"scratch".equals(variant))));
        return new GptConfig(intKey(m, "vocab_size"), intKey(m, "context_length"), intKey(m, "emb_dim"),
                intKey(m, "n_heads"), intKey(m, "n_layers"), qkv, tied);
    }

    private static int intKey(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null) throw new IllegalArgumentException("metadata key '" + key + "' is missing");
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("metadata key '" + key + "' is not an integer: '" + v + "'");
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s(V=%d, Tmax=%d, C=%d, NH=%d, L=%d, params=%,d)",
                layoutName(), vocabSize, contextLength, embDim, nHeads, nLayers, parameterCount());
    }
}
