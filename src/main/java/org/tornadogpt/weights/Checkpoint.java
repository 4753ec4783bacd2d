package org.tornadogpt.weights;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

import org.tornadogpt.model.GptConfig;
import org.tornadogpt.model.GptModel;
import org.tornadogpt.model.ParameterLayout;
import org.tornadogpt.tokenizer.Tokenizer;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * A tornado-gpt checkpoint: one safetensors file holding a model, optionally its AdamW state, and
 * everything needed to use or continue it.
 *
 * <pre>
 * tensors   wte, wpe, h.0.ln1.weight, ...   every parameter under its internal name and shape
 *                                           ({@link ParameterLayout}; matrices [out, in]), F32
 *           optimizer.adamw.m, .v  (P)      AdamW moments over the flat parameter buffer (optional)
 * metadata  format = tornado-gpt-checkpoint, format_version = 1
 *           model.*      the {@link GptConfig} ({@link GptConfig#toMetadata()} keys)
 *           tokenizer.*  the tokenizer ({@link Tokenizer#metadata()} keys)
 *           train.*      training state written by the trainer (step, data position, seed, ...)
 * </pre>
 * Files are written with {@link SafetensorsWriter#writeAtomically}: a failed save leaves an earlier
 * file at the same path untouched. Tensors are streamed from the buffers, not copied.
 *
 * <p>Not here: the meaning of the {@code train.*} entries (the trainer owns them).
 */
public final class Checkpoint implements AutoCloseable {

    public static final String FORMAT = "tornado-gpt-checkpoint";
    public static final String VERSION = "1";
    public static final String KEY_FORMAT = "format";
    public static final String KEY_VERSION = "format_version";
    public static final String MODEL_PREFIX = "model.";
    public static final String TOKENIZER_PREFIX = "tokenizer.";
    public static final String TRAIN_PREFIX = "train.";
    public static final String ADAMW_M = "optimizer.adamw.m";
    public static final String ADAMW_V = "optimizer.adamw.v";

    private final SafetensorsFile file;
    private final GptConfig config;
    private final Map<String, String> tokenizerMetadata;
    private final Map<String, String> train;

    private Checkpoint(SafetensorsFile file, GptConfig config, Map<String, String> tokenizerMetadata, Map<String, String> train) {
        this.file = file;
        this.config = config;
        this.tokenizerMetadata = tokenizerMetadata;
        this.train = train;
    }

    /**
     * Writes a checkpoint atomically.
     *
     * @param m, v    AdamW moments (same size as params), or both null for a model-only file
     * @param train   training state, stored under {@code train.} (may be empty)
     */
    public static void save(Path target, GptConfig config, FloatArray params, FloatArray m, FloatArray v,
                            Map<String, String> tokenizerMetadata, Map<String, String> train) throws IOException {
        save(target, config, params, m, v, tokenizerMetadata, train, UnaryOperator.identity());
    }

    /** As {@link #save}; {@code wrap} decorates the output channel (test hook for I/O failures). */
    static void save(Path target, GptConfig config, FloatArray params, FloatArray m, FloatArray v,
                     Map<String, String> tokenizerMetadata, Map<String, String> train,
                     UnaryOperator<WritableByteChannel> wrap) throws IOException {
        Objects.requireNonNull(config, "config");
        ParameterLayout layout = new ParameterLayout(config);
        checkSize("parameter", params, layout);
        if ((m == null) != (v == null)) throw new IllegalArgumentException("give both AdamW moments or neither");
        if (m != null) {
            checkSize("AdamW m", m, layout);
            checkSize("AdamW v", v, layout);
        }
        SafetensorsWriter w = new SafetensorsWriter();
        w.putMetadata(KEY_FORMAT, FORMAT).putMetadata(KEY_VERSION, VERSION);
        config.toMetadata().forEach((k, val) -> w.putMetadata(MODEL_PREFIX + k, val));
        tokenizerMetadata.forEach((k, val) -> w.putMetadata(TOKENIZER_PREFIX + k, val));
        train.forEach((k, val) -> w.putMetadata(TRAIN_PREFIX + k, val));
        MemorySegment p = params.getSegment();
        for (ParameterLayout.Tensor t : layout.tensors()) {
            w.add(t.name(), DType.F32, longs(t.shape()), p.asSlice(4L * t.offset(), 4L * t.size()));
        }
        if (m != null) {
            long[] shape = {layout.size()};
            w.add(ADAMW_M, DType.F32, shape, m.getSegment().asSlice(0, 4L * layout.size()));
            w.add(ADAMW_V, DType.F32, shape, v.getSegment().asSlice(0, 4L * layout.size()));
        }
        w.writeAtomically(target, wrap);
    }

    private static void checkSize(String what, FloatArray a, ParameterLayout layout) {
        if (a.getSize() != layout.size())
            throw new IllegalArgumentException(what + " buffer has " + a.getSize() + " floats, the model needs " + layout.size());
    }

    private static long[] longs(int[] shape) {
        return Arrays.stream(shape).asLongStream().toArray();
    }

    /** Whether safetensors metadata is that of a tornado-gpt checkpoint. */
    public static boolean isCheckpoint(Map<String, String> metadata) {
        return FORMAT.equals(metadata.get(KEY_FORMAT));
    }

    /**
     * Opens and checks a checkpoint: format, config, tokenizer, and that every parameter tensor is
     * there with its shape. Errors are {@link WeightFormatException}s naming the file.
     */
    public static Checkpoint open(Path path) throws IOException {
        SafetensorsFile f = SafetensorsFile.open(path);
        try {
            Map<String, String> md = f.metadata();
            if (!isCheckpoint(md))
                throw WeightFormatException.of(path, "not a tornado-gpt checkpoint (metadata 'format' is "
                        + (md.containsKey(KEY_FORMAT) ? "'" + md.get(KEY_FORMAT) + "'" : "missing") + ", expected '" + FORMAT + "')");
            if (!VERSION.equals(md.get(KEY_VERSION)))
                throw WeightFormatException.of(path, "checkpoint format version " + md.get(KEY_VERSION) + " is not supported (this build reads " + VERSION + ")");
            GptConfig cfg;
            try {
                cfg = GptConfig.fromMetadata(withPrefix(md, MODEL_PREFIX));
            } catch (IllegalArgumentException e) {
                throw WeightFormatException.of(path, "bad model config: " + e.getMessage(), e);
            }
            Map<String, String> tok = withPrefix(md, TOKENIZER_PREFIX);
            try {
                Tokenizer t = Tokenizer.fromMetadata(tok);
                if (t.vocabSize() != cfg.vocabSize())
                    throw WeightFormatException.of(path, "tokenizer has " + t.vocabSize() + " ids but the model's vocabulary is " + cfg.vocabSize());
            } catch (IllegalArgumentException e) {
                throw WeightFormatException.of(path, "bad tokenizer metadata: " + e.getMessage(), e);
            }
            ParameterLayout layout = new ParameterLayout(cfg);
            for (ParameterLayout.Tensor t : layout.tensors()) {
                TensorInfo info = f.info(t.name());
                if (!Arrays.equals(info.shape(), longs(t.shape())))
                    throw WeightFormatException.tensor(path, t.name(), "has shape " + Arrays.toString(info.shape())
                            + ", the config " + cfg + " needs " + t.shapeString());
            }
            boolean hasM = f.contains(ADAMW_M), hasV = f.contains(ADAMW_V);
            if (hasM != hasV) throw WeightFormatException.of(path, "has only one of the AdamW moments " + ADAMW_M + ", " + ADAMW_V);
            if (hasM) {
                for (String n : new String[] {ADAMW_M, ADAMW_V}) {
                    if (!Arrays.equals(f.info(n).shape(), new long[] {layout.size()}))
                        throw WeightFormatException.tensor(path, n, "has shape " + Arrays.toString(f.info(n).shape())
                                + ", expected [" + layout.size() + "]");
                }
            }
            return new Checkpoint(f, cfg, Collections.unmodifiableMap(tok), Collections.unmodifiableMap(withPrefix(md, TRAIN_PREFIX)));
        } catch (IOException | RuntimeException e) {
            f.close();
            throw e;
        }
    }

    /** The tokenizer a checkpoint's metadata describes, if the metadata is a checkpoint's. */
    public static Optional<Tokenizer> tokenizerOf(Map<String, String> metadata) {
        if (!isCheckpoint(metadata)) return Optional.empty();
        Map<String, String> tok = withPrefix(metadata, TOKENIZER_PREFIX);
        return tok.isEmpty() ? Optional.empty() : Optional.of(Tokenizer.fromMetadata(tok));
    }

    /** The entries whose key starts with {@code prefix}, with the prefix removed, in file order. */
    static Map<String, String> withPrefix(Map<String, String> md, String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        md.forEach((k, v) -> {
            if (k.startsWith(prefix)) out.put(k.substring(prefix.length()), v);
        });
        return out;
    }

    public Path path() { return file.path(); }

    public GptConfig config() { return config; }

    /** The {@code tokenizer.*} entries without the prefix (for {@link Tokenizer#fromMetadata}). */
    public Map<String, String> tokenizerMetadata() { return tokenizerMetadata; }

    public Tokenizer tokenizer() { return Tokenizer.fromMetadata(tokenizerMetadata); }

    /** The {@code train.*} entries without the prefix. */
    public Map<String, String> trainState() { return train; }

    public boolean hasOptimizerState() { return file.contains(ADAMW_M); }

    /** Copies every parameter tensor into {@code dst}, the flat buffer of {@link #config()}. */
    public void loadParams(FloatArray dst) throws IOException {
        ParameterLayout layout = new ParameterLayout(config);
        checkSize("parameter", dst, layout);
        for (ParameterLayout.Tensor t : layout.tensors()) {
            file.readFloatsInto(t.name(), dst.getSegment(), 4L * t.offset());
        }
    }

    /** A new model holding the checkpoint's parameters. */
    public GptModel loadModel() throws IOException {
        GptModel model = new GptModel(config);
        loadParams(model.params());
        return model;
    }

    /** Copies the AdamW moments into {@code m} and {@code v}. */
    public void loadOptimizerState(FloatArray m, FloatArray v) throws IOException {
        if (!hasOptimizerState()) throw WeightFormatException.of(path(), "holds no AdamW state (model weights only)");
        ParameterLayout layout = new ParameterLayout(config);
        checkSize("AdamW m", m, layout);
        checkSize("AdamW v", v, layout);
        file.readFloatsInto(ADAMW_M, m.getSegment(), 0);
        file.readFloatsInto(ADAMW_V, v.getSegment(), 0);
    }

    @Override
    public void close() {
        file.close();
    }
}
