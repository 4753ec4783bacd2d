package org.tornadogpt;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.tornadogpt.eval.Evaluator;
import org.tornadogpt.model.GptConfig;
import org.tornadogpt.model.GptModel;
import org.tornadogpt.runtime.Backend;
import org.tornadogpt.runtime.JvmBackend;
import org.tornadogpt.sample.GenerationConfig;
import org.tornadogpt.sample.Generator;
import org.tornadogpt.tokenizer.Gpt2Tokenizer;
import org.tornadogpt.tokenizer.StreamingDecoder;
import org.tornadogpt.tokenizer.Tokenizer;
import org.tornadogpt.weights.Checkpoint;
import org.tornadogpt.weights.LoadOptions;
import org.tornadogpt.weights.LoadedModel;
import org.tornadogpt.weights.ModelLoader;
import org.tornadogpt.weights.WeightFormatException;

/**
 * The library in one object: load a model, generate text or token ids (streamed through a
 * {@link TokenListener}), and compute the loss and perplexity of a text. No command-line parsing
 * is involved; this is what the {@code generate} and {@code eval} commands use.
 *
 * <pre>{@code
 * try (Gpt gpt = Gpt.load(Path.of("gpt2/model.safetensors"))) {
 *     GenerationConfig gc = GenerationConfig.greedy(40)
 *             .withSampler(SamplerConfig.of(0.8, 42).withTopK(40));
 *     gpt.generate("Every effort moves you", gc, (id, text) -> System.out.print(text));
 * }
 * }</pre>
 *
 * <p>The tokenizer is the one a tornado-gpt checkpoint names (a char vocabulary included), else
 * GPT-2's byte-level BPE when the model's vocabulary has GPT-2's 50257 tokens; other models work on
 * token ids unless a tokenizer is given ({@link #withTokenizer}).
 * Not thread-safe: one generation or evaluation at a time.
 */
public final class Gpt implements AutoCloseable {
    private final GptModel model;
    private final LoadedModel loaded; // null when built from a model in memory
    private final Backend backend;
    private final boolean ownsBackend;
    private Tokenizer tokenizer;
    private Generator generator;
    private Evaluator evaluator;

    private Gpt(GptModel model, LoadedModel loaded, Backend backend, boolean ownsBackend, Tokenizer tokenizer) {
        this.model = model;
        this.loaded = loaded;
        this.backend = backend;
        this.ownsBackend = ownsBackend;
        this.tokenizer = tokenizer;
    }

    /** Loads weights (see {@link ModelLoader} for the formats) and runs them on all cores of the JVM. */
    public static Gpt load(Path weights) throws IOException {
        return load(weights, LoadOptions.defaults());
    }

    public static Gpt load(Path weights, LoadOptions options) throws IOException {
        return load(weights, options, new JvmBackend(), true);
    }

    /**
     * Loads weights and runs them on the given backend; with {@code ownsBackend} the backend is closed
     * with this object.
     */
    public static Gpt load(Path weights, LoadOptions options, Backend backend, boolean ownsBackend) throws IOException {
        LoadedModel lm;
        try {
            lm = ModelLoader.load(weights, options);
        } catch (IOException | RuntimeException e) {
            if (ownsBackend) backend.close();
            throw e;
        }
        Tokenizer tok;
        try {
            tok = Checkpoint.tokenizerOf(lm.metadata()).orElseGet(() -> defaultTokenizer(lm.model().config()));
        } catch (IllegalArgumentException e) {
            if (ownsBackend) backend.close();
            throw WeightFormatException.of(lm.source(), "bad tokenizer metadata: " + e.getMessage(), e);
        }
        return new Gpt(lm.model(), lm, backend, ownsBackend, tok);
    }

    /** Wraps a model already in memory (e.g. one being trained); the backend stays the caller's. */
    public static Gpt of(GptModel model, Backend backend) {
        return new Gpt(model, null, backend, false, defaultTokenizer(model.config()));
    }

    private static Tokenizer defaultTokenizer(GptConfig cfg) {
        return cfg.vocabSize() == Gpt2Tokenizer.VOCAB_SIZE ? Gpt2Tokenizer.get() : null;
    }

    /** Uses this tokenizer for text (its vocabulary must fit the model's). */
    public Gpt withTokenizer(Tokenizer t) {
        if (t != null && t.vocabSize() > model.config().vocabSize())
            throw new IllegalArgumentException("tokenizer has " + t.vocabSize() + " tokens, the model only " + model.config().vocabSize());
        this.tokenizer = t;
        return this;
    }

    public GptModel model() { return model; }

    public GptConfig config() { return model.config(); }

    /** How the model was loaded (file, format, where the config came from, load time); empty for {@link #of}. */
    public Optional<LoadedModel> loaded() { return Optional.ofNullable(loaded); }

    public Optional<Tokenizer> tokenizer() { return Optional.ofNullable(tokenizer); }

    public Backend backend() { return backend; }

    public int[] encode(String text) {
        return requireTokenizer().encode(text);
    }

    public String decode(int[] ids) {
        return requireTokenizer().decode(ids);
    }

    private Tokenizer requireTokenizer() {
        if (tokenizer == null)
            throw new IllegalStateException("this model's vocabulary (" + config().vocabSize() + " tokens) is not GPT-2's and no tokenizer was given; work with token ids");
        return tokenizer;
    }

    /** Generates from token ids; returns the prompt followed by the new tokens (EOS included when it stopped generation). */
    public int[] generate(int[] prompt, GenerationConfig config) {
        return generate(prompt, config, null);
    }

    /** As {@link #generate(int[], GenerationConfig)}, telling {@code listener} about every new token as it is produced. */
    public int[] generate(int[] prompt, GenerationConfig config, TokenListener listener) {
        if (generator == null) generator = new Generator(model, backend);
        StreamingDecoder dec = tokenizer == null || listener == null ? null : tokenizer.streamingDecoder();
        int eos = config.eosId();
        int[] out = generator.generate(prompt, config, listener == null ? null
                : id -> listener.onToken(id, dec == null || id == eos || id >= tokenizer.vocabSize() ? "" : dec.push(id)));
        if (listener != null) listener.onFinish(dec == null ? "" : dec.flush());
        return out;
    }

    /** Generates from text; returns only the new text (without the prompt and without the EOS token). */
    public String generate(String prompt, GenerationConfig config) {
        return generate(prompt, config, null);
    }

    /** As {@link #generate(String, GenerationConfig)}, streaming each token's text to {@code listener}. */
    public String generate(String prompt, GenerationConfig config, TokenListener listener) {
        int[] ids = encode(prompt);
        int[] all = generate(ids, config, listener);
        int end = all.length;
        if (end > ids.length && all[end - 1] == config.eosId()) end--;
        return decode(java.util.Arrays.copyOfRange(all, ids.length, end));
    }

    /** Timings of the last generation. */
    public Generator.Stats lastGenerationStats() {
        return generator == null ? new Generator.Stats(0, 0, 0, 0, 0, 0) : generator.lastStats();
    }

    /** Mean cross-entropy and perplexity over the tokens, in windows of the model's context length. */
    public Evaluator.Result evaluate(int[] tokens) {
        return evaluate(tokens, config().contextLength());
    }

    /** As {@link #evaluate(int[])} with windows of {@code context} tokens. */
    public Evaluator.Result evaluate(int[] tokens, int context) {
        if (evaluator == null) evaluator = new Evaluator(model, backend);
        return evaluator.evaluate(tokens, context);
    }

    /** Mean cross-entropy and perplexity of a text. */
    public Evaluator.Result evaluate(String text) {
        return evaluate(encode(text));
    }

    /** The mean cross-entropy loss (nats per token) of predicting each token from the ones before it. */
    public double loss(int[] tokens) {
        return evaluate(tokens).loss();
    }

    @Override
    public void close() {
        if (generator != null) generator.close();
        if (evaluator != null) evaluator.close();
        if (ownsBackend) backend.close();
    }
}
