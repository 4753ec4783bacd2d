package org.tornadogpt.model;

import java.util.SplittableRandom;
import java.util.stream.IntStream;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * A model's config, layout and its one flat parameter buffer.
 *
 * <p>Two initialisations ({@link Init}):
 * <ul>
 * <li>{@link Init#GPT2} (GPT-2 / nanoGPT): every weight matrix and both embeddings ~ N(0, 0.02); the
 * two residual output projections ({@code attn.proj.weight}, {@code mlp.proj.weight})
 * ~ N(0, 0.02 / sqrt(2 L)); biases 0; layer-norm weights 1 and biases 0.</li>
 * <li>{@link Init#TORCH} (PyTorch's default module initialisation, which the book's {@code GPTModel}
 * gets): embeddings ~ N(0, 1); every linear weight and bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in))
 * (nn.Linear's kaiming_uniform with a = sqrt(5)); layer-norm scale 1 and shift 0. The book's
 * chapter-5 loss curve depends on it: with N(0, 1) embeddings the model memorises the short
 * training text within the book's 90 steps.</li>
 * </ul>
 * {@link #initialize(long)} picks {@link Init#defaultFor}: TORCH for the book's {@code scratch}
 * layout, GPT2 otherwise. The draws come from {@link SplittableRandom}s seeded per (tensor,
 * 64k-element chunk) from the seed, so the result is the same on any number of threads.
 */
public final class GptModel {
    private static final int CHUNK = 1 << 16;

    private final GptConfig config;
    private final ParameterLayout layout;
    private final FloatArray params; // (P) all parameters, see ParameterLayout

    public GptModel(GptConfig config) {
        this(config, new FloatArray(new ParameterLayout(config).size()));
    }

    public GptModel(GptConfig config, FloatArray params) {
        this.config = config;
        this.layout = new ParameterLayout(config);
        if (params.getSize() != layout.size())
            throw new IllegalArgumentException("parameter buffer has " + params.getSize() + " floats, the model needs " + layout.size());
        this.params = params;
    }

    public GptConfig config() { return config; }

    public ParameterLayout layout() { return layout; }

    public FloatArray params() { return params; }

    /** The initialisation schemes (see the class comment). */
    public enum Init {
        GPT2, TORCH;

        /** TORCH for the book's scratch layout (its model has PyTorch's default init), GPT2 otherwise. */
        public static Init defaultFor(GptConfig cfg) {
            return "scratch".equals(cfg.layoutName()) ? TORCH : GPT2;
        }

        /** Parses "gpt2" or "torch" (case-insensitive). */
        public static Init parse(String s) {
            return switch (s.toLowerCase(java.util.Locale.ROOT)) {
                case "gpt2" -> GPT2;
                case "torch", "book" -> TORCH;
                default -> throw new IllegalArgumentException("unknown initialisation '" + s + "'; use gpt2 or torch");
            };
        }
    }

    /** Initialises with the layout's default scheme ({@link Init#defaultFor}); returns this. */
    public GptModel initialize(long seed) {
        return initialize(seed, Init.defaultFor(config));
    }

    /** Initialises all parameters with the given scheme (see the class comment); returns this. */
    public GptModel initialize(long seed, Init init) {
        if (init == Init.TORCH) return initializeTorch(seed);
        var tensors = layout.tensors();
        double residualStd = 0.02 / Math.sqrt(2.0 * Math.max(1, config.nLayers()));
        for (int ti = 0; ti < tensors.size(); ti++) {
            ParameterLayout.Tensor t = tensors.get(ti);
            String n = t.name();
            if (n.endsWith(".bias")) {
                fill(t, 0f);
            } else if (n.startsWith("h.") && (n.endsWith("ln1.weight") || n.endsWith("ln2.weight")) || n.equals("lnf.weight")) {
                fill(t, 1f);
            } else {
                double std = n.endsWith("attn.proj.weight") || n.endsWith("mlp.proj.weight") ? residualStd : 0.02;
                normal(t, ti, seed, std);
            }
        }
        return this;
    }

    private GptModel initializeTorch(long seed) {
        var tensors = layout.tensors();
        int C = config.embDim();
        for (int ti = 0; ti < tensors.size(); ti++) {
            ParameterLayout.Tensor t = tensors.get(ti);
            String n = t.name();
            if (n.equals("wte") || n.equals("wpe")) {
                normal(t, ti, seed, 1.0);
            } else if (n.endsWith("ln1.weight") || n.endsWith("ln2.weight") || n.equals("lnf.weight")) {
                fill(t, 1f);
            } else if (n.endsWith("ln1.bias") || n.endsWith("ln2.bias") || n.equals("lnf.bias")) {
                fill(t, 0f);
            } else {
                int fanIn = n.endsWith("mlp.proj.weight") || n.endsWith("mlp.proj.bias") ? 4 * C : C;
                uniform(t, ti, seed, 1.0 / Math.sqrt(fanIn));
            }
        }
        return this;
    }

    private void uniform(ParameterLayout.Tensor t, int tensorIndex, long seed, double bound) {
        int chunks = (t.size() + CHUNK - 1) / CHUNK;
        IntStream.range(0, chunks).parallel().forEach(ch -> {
            SplittableRandom rng = new SplittableRandom(mix(seed, tensorIndex, ch));
            int start = ch * CHUNK, end = Math.min(t.size(), start + CHUNK);
            for (int i = start; i < end; i++) params.set(t.offset() + i, (float) ((2 * rng.nextDouble() - 1) * bound));
        });
    }

    private void fill(ParameterLayout.Tensor t, float v) {
        for (int i = 0; i < t.size(); i++) params.set(t.offset() + i, v);
    }

    private void normal(ParameterLayout.Tensor t, int tensorIndex, long seed, double std) {
        int chunks = (t.size() + CHUNK - 1) / CHUNK;
        IntStream.range(0, chunks).parallel().forEach(ch -> {
            SplittableRandom rng = new SplittableRandom(mix(seed, tensorIndex, ch));
            int start = ch * CHUNK, end = Math.min(t.size(), start + CHUNK);
            for (int i = start; i < end; i++) params.set(t.offset() + i, (float) (rng.nextGaussian() * std));
        });
    }

    static long mix(long seed, long a, long b) {
        long z = seed * 0x9E3779B97F4A7C15L + a * 0xBF58476D1CE4E5B9L + b * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
