package org.tornadogpt.weights;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Named tensors that can be looked up and converted to float32 or int32: one safetensors file
 * ({@link SafetensorsFile}) or a sharded checkpoint ({@link ShardedSafetensors}).
 *
 * <p>Float results written into a {@link MemorySegment} use native byte order, i.e. they can be read
 * back with {@link ValueLayout#JAVA_FLOAT}. {@link #raw(String)} returns the stored bytes unchanged
 * (little-endian, as in the file). Segments returned by {@code raw} are read-only and only valid until
 * {@link #close()}.
 */
public interface TensorSource extends AutoCloseable {

    /** String metadata ({@code __metadata__} of a safetensors file); empty if there is none. */
    Map<String, String> metadata();

    /** Tensor names, in a stable order (file order for a single file). */
    Set<String> names();

    /** Whether a tensor of that name exists. */
    default boolean contains(String name) {
        return names().contains(name);
    }

    /** The header entry of a tensor; a missing tensor is a {@link WeightFormatException} naming the file and tensor. */
    TensorInfo info(String name) throws WeightFormatException;

    /** The stored bytes of a tensor (little-endian, row-major), read-only, without copying. */
    MemorySegment raw(String name) throws WeightFormatException;

    /** The file that holds a tensor (for messages and diagnostics). */
    Path fileOf(String name) throws WeightFormatException;

    /** A tensor of dtype F32, F16, BF16 or F64 as a new float32 array. */
    default float[] readFloats(String name) throws WeightFormatException {
        return TensorCodec.readFloats(fileOf(name), info(name), raw(name));
    }

    /**
     * Converts a tensor of dtype F32, F16, BF16 or F64 to float32 and writes its {@code n} elements, in
     * native byte order, to {@code dst} at bytes {@code [dstByteOffset, dstByteOffset + 4n)}.
     *
     * @throws IndexOutOfBoundsException if that range is not inside {@code dst}
     */
    default void readFloatsInto(String name, MemorySegment dst, long dstByteOffset) throws WeightFormatException {
        TensorCodec.readFloatsInto(fileOf(name), info(name), raw(name), dst, dstByteOffset);
    }

    /**
     * Like {@link #readFloatsInto} for a 2-D tensor {@code [rows, cols]}, but writes its transpose
     * {@code [cols, rows]}: element {@code (r, c)} goes to float index {@code c * rows + r}. Turns a
     * Hugging Face Conv1D weight {@code [in, out]} into the {@code [out, in]} layout of nn.Linear and llm.c.
     */
    default void readFloatsTransposedInto(String name, MemorySegment dst, long dstByteOffset) throws WeightFormatException {
        TensorCodec.readFloatsTransposedInto(fileOf(name), info(name), raw(name), dst, dstByteOffset);
    }

    /** The transpose of a 2-D tensor as a new float32 array ({@code [cols, rows]}, row-major). */
    default float[] readFloatsTransposed(String name) throws WeightFormatException {
        return TensorCodec.readFloatsTransposed(fileOf(name), info(name), raw(name));
    }

    /**
     * An integer tensor (I32 or I64, also U8/I8/I16/U16/U32/U64) as a new int array; values outside the
     * int range are a {@link WeightFormatException}.
     */
    default int[] readInts(String name) throws WeightFormatException {
        return TensorCodec.readInts(fileOf(name), info(name), raw(name));
    }

    /** Unmaps the file(s); segments obtained from {@link #raw(String)} become inaccessible. */
    @Override
    void close();
}
