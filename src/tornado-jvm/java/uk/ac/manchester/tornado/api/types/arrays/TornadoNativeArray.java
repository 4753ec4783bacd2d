/*
 * tornado-gpt: clean-room JVM implementation of TornadoVM's api.types.arrays.TornadoNativeArray
 * (written from docs/tornado-api-facts.md). Base of the off-heap arrays: a segment with a
 * header (int element count at offset 0) followed by the data.
 * Deviation: the real class permits eleven array types; this one permits only the ones
 * implemented here (ByteArray, FloatArray, IntArray).
 * ARRAY_HEADER is 16 bytes unless -Dtornado.panama.objectHeader=N overrides it (the real
 * runtime also picks 24 without compressed oops; that only matters to TornadoVM's own runtime).
 */
package uk.ac.manchester.tornado.api.types.arrays;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

public abstract sealed class TornadoNativeArray permits ByteArray, FloatArray, IntArray {

    public static final long ARRAY_HEADER = Long.getLong("tornado.panama.objectHeader", 16L);

    TornadoNativeArray() {
    }

    public abstract int getSize();

    /** The data only, without the header. */
    public abstract MemorySegment getSegment();

    /** The whole segment: header then data. */
    public abstract MemorySegment getSegmentWithHeader();

    public abstract long getNumBytesOfSegmentWithHeader();

    public abstract long getNumBytesOfSegment();

    /** Zeroes the data. */
    public abstract void clear();

    /** Bytes per element. */
    public abstract int getElementSize();

    static void writeHeader(MemorySegment withHeader, int numberOfElements) {
        withHeader.set(ValueLayout.JAVA_INT_UNALIGNED, 0, numberOfElements);
    }

    static int checkedCount(long count) {
        if (count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many elements: " + count);
        }
        return (int) count;
    }
}
