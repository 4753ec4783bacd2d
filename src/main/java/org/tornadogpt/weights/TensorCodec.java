package org.tornadogpt.weights;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Objects;

/** Mapping weight files, and conversions from stored (little-endian) tensor bytes to float32 / int32. */
final class TensorCodec {

    static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfDouble LE_DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat NATIVE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    /**
     * Maps a whole file read-only into {@code arena}; a file shorter than {@code minBytes} is a
     * WeightFormatException "file is N bytes, " + {@code tooShort}.
     */
    static MemorySegment mapReadOnly(Path path, Arena arena, long minBytes, String tooShort) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < minBytes) throw WeightFormatException.of(path, "file is " + size + " bytes, " + tooShort);
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
        }
    }

    /** Largest array length the JVM reliably allocates. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    /** Tile edge of the blocked transpose: two 64x64 float tiles fit in L1. */
    static final int TILE = 64;

    private TensorCodec() {
    }

    /** bfloat16 bits to float32: exact, including subnormals, infinities and NaN payloads. */
    static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    static float load(MemorySegment src, DType dtype, long index) {
        return switch (dtype) {
            case F32 -> src.getAtIndex(LE_FLOAT, index);
            case F16 -> Float.float16ToFloat(src.getAtIndex(LE_SHORT, index));
            case BF16 -> bf16ToFloat(src.getAtIndex(LE_SHORT, index));
            case F64 -> (float) src.getAtIndex(LE_DOUBLE, index);
            default -> throw new IllegalStateException("not a float dtype: " + dtype);
        };
    }

    private static void requireFloat(Path file, TensorInfo info) throws WeightFormatException {
        if (!info.dtype().isFloatConvertible()) {
            throw WeightFormatException.tensor(file, info.name(),
                    "has dtype " + info.dtype() + ", which cannot be read as floats (F32, F16, BF16 or F64 expected)");
        }
    }

    private static int arrayLength(Path file, TensorInfo info, long n) throws WeightFormatException {
        if (n > MAX_ARRAY) {
            throw WeightFormatException.tensor(file, info.name(),
                    "has " + n + " elements, too many for a Java array; read it into a MemorySegment instead");
        }
        return (int) n;
    }

    static float[] readFloats(Path file, TensorInfo info, MemorySegment src) throws WeightFormatException {
        requireFloat(file, info);
        float[] out = new float[arrayLength(file, info, info.numElements())];
        readFloatsInto(file, info, src, MemorySegment.ofArray(out), 0);
        return out;
    }

    static void readFloatsInto(Path file, TensorInfo info, MemorySegment src, MemorySegment dst, long dstByteOffset)
            throws WeightFormatException {
        requireFloat(file, info);
        Objects.requireNonNull(dst, "dst");
        long n = info.numElements();
        Objects.checkFromIndexSize(dstByteOffset, n * Float.BYTES, dst.byteSize());
        switch (info.dtype()) {
            case F32 -> MemorySegment.copy(src, LE_FLOAT, 0, dst, NATIVE_FLOAT, dstByteOffset, n);
            case F16 -> {
                for (long i = 0; i < n; i++) {
                    dst.set(NATIVE_FLOAT, dstByteOffset + i * Float.BYTES, Float.float16ToFloat(src.getAtIndex(LE_SHORT, i)));
                }
            }
            case BF16 -> {
                for (long i = 0; i < n; i++) {
                    dst.set(NATIVE_FLOAT, dstByteOffset + i * Float.BYTES, bf16ToFloat(src.getAtIndex(LE_SHORT, i)));
                }
            }
            case F64 -> {
                for (long i = 0; i < n; i++) {
                    dst.set(NATIVE_FLOAT, dstByteOffset + i * Float.BYTES, (float) src.getAtIndex(LE_DOUBLE, i));
                }
            }
            default -> throw new IllegalStateException(info.dtype().name());
        }
    }

    private static void require2d(Path file, TensorInfo info) throws WeightFormatException {
        if (info.rank() != 2) {
            throw WeightFormatException.tensor(file, info.name(),
                    "has shape " + Arrays.toString(info.shape()) + ", but a transposed read needs a 2-D tensor");
        }
    }

    static float[] readFloatsTransposed(Path file, TensorInfo info, MemorySegment src) throws WeightFormatException {
        requireFloat(file, info);
        require2d(file, info);
        float[] out = new float[arrayLength(file, info, info.numElements())];
        readFloatsTransposedInto(file, info, src, MemorySegment.ofArray(out), 0);
        return out;
    }

    static void readFloatsTransposedInto(Path file, TensorInfo info, MemorySegment src, MemorySegment dst, long dstByteOffset)
            throws WeightFormatException {
        requireFloat(file, info);
        require2d(file, info);
        Objects.requireNonNull(dst, "dst");
        long rows = info.dim(0);
        long cols = info.dim(1);
        Objects.checkFromIndexSize(dstByteOffset, info.numElements() * Float.BYTES, dst.byteSize());
        transpose(src, info.dtype(), rows, cols, dst, dstByteOffset);
    }

    /**
     * dst[c * rows + r] = src[r * cols + c], in TILE x TILE blocks: each block's source row pieces are
     * bulk-copied (and converted) into a small float array, transposed there, and its output row pieces
     * bulk-copied to {@code dst}, so both sides are touched sequentially.
     */
    static void transpose(MemorySegment src, DType dtype, long rows, long cols, MemorySegment dst, long dstByteOffset) {
        float[] in = new float[TILE * TILE];
        float[] out = new float[TILE * TILE];
        short[] half = dtype.byteSize() == 2 ? new short[TILE] : null;
        for (long r0 = 0; r0 < rows; r0 += TILE) {
            int nr = (int) Math.min(TILE, rows - r0);
            for (long c0 = 0; c0 < cols; c0 += TILE) {
                int nc = (int) Math.min(TILE, cols - c0);
                for (int r = 0; r < nr; r++) {
                    loadRun(src, dtype, (r0 + r) * cols + c0, in, r * TILE, nc, half);
                }
                for (int r = 0; r < nr; r++) {
                    int rowBase = r * TILE;
                    for (int c = 0; c < nc; c++) {
                        out[c * TILE + r] = in[rowBase + c];
                    }
                }
                for (int c = 0; c < nc; c++) {
                    MemorySegment.copy(out, c * TILE, dst, NATIVE_FLOAT, dstByteOffset + ((c0 + c) * rows + r0) * Float.BYTES, nr);
                }
            }
        }
    }

    /** Converts {@code n} consecutive elements starting at element {@code index} into {@code out[at..at+n)}. */
    private static void loadRun(MemorySegment src, DType dtype, long index, float[] out, int at, int n, short[] half) {
        switch (dtype) {
            case F32 -> MemorySegment.copy(src, LE_FLOAT, index * Float.BYTES, out, at, n);
            case F16 -> {
                MemorySegment.copy(src, LE_SHORT, index * 2, half, 0, n);
                for (int i = 0; i < n; i++) {
                    out[at + i] = Float.float16ToFloat(half[i]);
                }
            }
            case BF16 -> {
                MemorySegment.copy(src, LE_SHORT, index * 2, half, 0, n);
                for (int i = 0; i < n; i++) {
                    out[at + i] = bf16ToFloat(half[i]);
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    out[at + i] = load(src, dtype, index + i);
                }
            }
        }
    }

    static int[] readInts(Path file, TensorInfo info, MemorySegment src) throws WeightFormatException {
        DType t = info.dtype();
        if (!t.isIntConvertible()) {
            throw WeightFormatException.tensor(file, info.name(),
                    "has dtype " + t + ", which cannot be read as ints (I32 or I64 expected)");
        }
        int n = arrayLength(file, info, info.numElements());
        int[] out = new int[n];
        switch (t) {
            case I32 -> MemorySegment.copy(src, LE_INT, 0, out, 0, n);
            case I64, U64, U32 -> {
                for (int i = 0; i < n; i++) {
                    long v = t == DType.U32 ? src.getAtIndex(LE_INT, i) & 0xffffffffL : src.getAtIndex(LE_LONG, i);
                    if (v != (int) v || (t == DType.U64 && v < 0)) {
                        throw WeightFormatException.tensor(file, info.name(), "element " + i + " = "
                                + (t == DType.U64 ? Long.toUnsignedString(v) : Long.toString(v)) + " does not fit in an int");
                    }
                    out[i] = (int) v;
                }
            }
            case I16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = src.getAtIndex(LE_SHORT, i);
                }
            }
            case U16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = src.getAtIndex(LE_SHORT, i) & 0xffff;
                }
            }
            case I8 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = src.get(ValueLayout.JAVA_BYTE, i);
                }
            }
            case U8 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = src.get(ValueLayout.JAVA_BYTE, i) & 0xff;
                }
            }
            default -> throw new IllegalStateException(t.name());
        }
        return out;
    }
}
