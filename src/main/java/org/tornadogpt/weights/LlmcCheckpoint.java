package org.tornadogpt.weights;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * A memory-mapped llm.c GPT-2 checkpoint ({@code gpt2_124M.bin} and friends).
 *
 * <p>Layout: a header of 256 little-endian int32 {@code [20240326, version, maxT, V, L, NH, C, Vp, 0...]}
 * followed by the parameters, little-endian, in the order of {@link Kind}: each kind for all layers
 * before the next kind. Matrices are {@code [out, in]} (the transpose of Hugging Face Conv1D weights).
 * Version 3 stores float32 ({@link DType#F32}); version 5 stores bfloat16 ({@link DType#BF16}) with the
 * same layout. Both are supported; other versions are rejected.
 *
 * <p>The file length must equal the header plus all tensors exactly. Segments returned by
 * {@link #tensor(Kind)} and {@link #layer(Kind, int)} are read-only slices of the mapping, in file byte
 * order (little-endian), valid until {@link #close()}; {@link #readFloatsInto} converts to native-order
 * float32.
 */
public final class LlmcCheckpoint implements AutoCloseable {

    public static final int MAGIC = 20240326;
    public static final int VERSION_FP32 = 3;
    public static final int VERSION_BF16 = 5;
    public static final int HEADER_INTS = 256;
    public static final long HEADER_BYTES = HEADER_INTS * 4L;

    /** The model dimensions from the header. */
    public record Config(int maxSeqLen, int vocabSize, int numLayers, int numHeads, int channels, int paddedVocabSize) {
        public int headDim() {
            return channels / numHeads;
        }
    }

    /** The parameter tensors in file order. Per-layer kinds have a leading dimension {@code L}. */
    public enum Kind {
        WTE, WPE, LN1W, LN1B, QKVW, QKVB, ATTPROJW, ATTPROJB, LN2W, LN2B, FCW, FCB, FCPROJW, FCPROJB, LNFW, LNFB;

        /** Whether this kind is stored once per layer (leading dimension {@code L}). */
        public boolean perLayer() {
            return this != WTE && this != WPE && this != LNFW && this != LNFB;
        }

        /** The full shape of this kind, including the leading {@code L} for per-layer kinds. */
        public long[] shape(Config c) {
            long l = c.numLayers();
            long ch = c.channels();
            return switch (this) {
                case WTE -> new long[] {c.paddedVocabSize(), ch};
                case WPE -> new long[] {c.maxSeqLen(), ch};
                case LN1W, LN1B, ATTPROJB, LN2W, LN2B, FCPROJB -> new long[] {l, ch};
                case QKVW -> new long[] {l, 3 * ch, ch};
                case QKVB -> new long[] {l, 3 * ch};
                case ATTPROJW -> new long[] {l, ch, ch};
                case FCW -> new long[] {l, 4 * ch, ch};
                case FCB -> new long[] {l, 4 * ch};
                case FCPROJW -> new long[] {l, ch, 4 * ch};
                case LNFW, LNFB -> new long[] {ch};
            };
        }

        /** Number of elements of all layers together. */
        public long numElements(Config c) {
            return TensorInfo.numElements(shape(c));
        }
    }

    private final Path path;
    private final Arena arena;
    private final MemorySegment file;
    private final int version;
    private final DType dtype;
    private final Config config;
    private final Map<Kind, Long> offsets;

    private LlmcCheckpoint(Path path, Arena arena, MemorySegment file, int version, Config config, Map<Kind, Long> offsets) {
        this.path = path;
        this.arena = arena;
        this.file = file;
        this.version = version;
        this.dtype = version == VERSION_BF16 ? DType.BF16 : DType.F32;
        this.config = config;
        this.offsets = offsets;
    }

    /** Maps and validates a checkpoint; any defect is a {@link WeightFormatException} naming the file. */
    public static LlmcCheckpoint open(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        Arena arena = Arena.ofShared();
        try {
            MemorySegment seg = TensorCodec.mapReadOnly(path, arena, HEADER_BYTES, "shorter than the llm.c header (" + HEADER_BYTES + " bytes)");
            int[] h = new int[8];
            for (int i = 0; i < h.length; i++) {
                h[i] = seg.getAtIndex(TensorCodec.LE_INT, i);
            }
            if (h[0] != MAGIC) {
                throw WeightFormatException.of(path, "bad magic number " + h[0] + " (expected " + MAGIC
                        + "): not an llm.c GPT-2 checkpoint");
            }
            int version = h[1];
            if (version != VERSION_FP32 && version != VERSION_BF16) {
                throw WeightFormatException.of(path, "unsupported llm.c checkpoint version " + version
                        + " (supported: 3 = float32, 5 = bfloat16)");
            }
            String[] keys = {"maxT", "V", "L", "NH", "C", "Vp"};
            for (int i = 2; i < 8; i++) {
                if (h[i] <= 0) {
                    throw WeightFormatException.of(path, "header field " + keys[i - 2] + " = " + h[i] + " is not positive");
                }
            }
            Config config = new Config(h[2], h[3], h[4], h[5], h[6], h[7]);
            if (config.channels() % config.numHeads() != 0) {
                throw WeightFormatException.of(path, "channels C = " + config.channels()
                        + " is not a multiple of the number of heads NH = " + config.numHeads());
            }
            if (config.paddedVocabSize() < config.vocabSize()) {
                throw WeightFormatException.of(path, "padded vocabulary size Vp = " + config.paddedVocabSize()
                        + " is smaller than the vocabulary size V = " + config.vocabSize());
            }
            int elem = version == VERSION_BF16 ? 2 : 4;
            Map<Kind, Long> offsets = new EnumMap<>(Kind.class);
            long off = HEADER_BYTES;
            try {
                for (Kind k : Kind.values()) {
                    offsets.put(k, off);
                    off = Math.addExact(off, Math.multiplyExact(k.numElements(config), elem));
                }
            } catch (ArithmeticException e) {
                throw WeightFormatException.of(path, "header sizes " + config + " overflow a 64-bit file size");
            }
            if (off != seg.byteSize()) {
                throw WeightFormatException.of(path, "file is " + seg.byteSize() + " bytes, but the header " + config
                        + " of version " + version + " needs exactly " + off + " bytes ("
                        + (off > seg.byteSize() ? "truncated" : "trailing data") + ")");
            }
            return new LlmcCheckpoint(path, arena, seg, version, config, offsets);
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    /** 3 (float32) or 5 (bfloat16). */
    public int version() {
        return version;
    }

    /** {@link DType#F32} for version 3, {@link DType#BF16} for version 5. */
    public DType dtype() {
        return dtype;
    }

    public Config config() {
        return config;
    }

    /** Shape of a kind including the leading layer dimension. */
    public long[] shape(Kind kind) {
        return kind.shape(config);
    }

    /** All layers of a kind (little-endian, {@link #dtype()}), read-only. */
    public MemorySegment tensor(Kind kind) {
        return file.asSlice(offsets.get(kind), kind.numElements(config) * dtype.byteSize());
    }

    /** One layer of a per-layer kind, e.g. {@code layer(QKVW, 0)} is {@code [3C, C]}. */
    public MemorySegment layer(Kind kind, int layer) {
        if (!kind.perLayer()) {
            throw new IllegalArgumentException(kind + " is not stored per layer");
        }
        Objects.checkIndex(layer, config.numLayers());
        long perLayer = kind.numElements(config) / config.numLayers() * dtype.byteSize();
        return file.asSlice(offsets.get(kind) + layer * perLayer, perLayer);
    }

    /** Shape of one layer of a per-layer kind (the shape without the leading {@code L}). */
    public long[] layerShape(Kind kind) {
        long[] s = shape(kind);
        return kind.perLayer() ? Arrays.copyOfRange(s, 1, s.length) : s;
    }

    /** The parameters as a safetensors-style description, so that tensor readers and messages can share code. */
    private TensorInfo info(Kind kind, long[] shape, long bytes) {
        return new TensorInfo(kind.name().toLowerCase(), dtype, shape, 0, bytes);
    }

    /** All layers of a kind as a new float32 array. */
    public float[] readFloats(Kind kind) throws WeightFormatException {
        MemorySegment s = tensor(kind);
        return TensorCodec.readFloats(path, info(kind, shape(kind), s.byteSize()), s);
    }

    /** One layer of a kind as a new float32 array. */
    public float[] readFloats(Kind kind, int layer) throws WeightFormatException {
        MemorySegment s = layer(kind, layer);
        return TensorCodec.readFloats(path, info(kind, layerShape(kind), s.byteSize()), s);
    }

    /** Writes all layers of a kind as native-order float32 into {@code dst} at byte offset {@code dstByteOffset}. */
    public void readFloatsInto(Kind kind, MemorySegment dst, long dstByteOffset) throws WeightFormatException {
        MemorySegment s = tensor(kind);
        TensorCodec.readFloatsInto(path, info(kind, shape(kind), s.byteSize()), s, dst, dstByteOffset);
    }

    /** Total number of parameters (including the padded vocabulary rows). */
    public long numParameters() {
        long n = 0;
        for (Kind k : Kind.values()) {
            n += k.numElements(config);
        }
        return n;
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "LlmcCheckpoint[" + path + ", v" + version + ", " + config + "]";
    }
}
