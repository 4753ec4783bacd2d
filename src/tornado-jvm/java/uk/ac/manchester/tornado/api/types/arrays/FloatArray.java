/*
 * tornado-gpt: clean-room JVM implementation of TornadoVM's api.types.arrays.FloatArray
 * (written from docs/tornado-api-facts.md, not from TornadoVM sources; generated
 * from one template shared with the other *Array classes).
 *
 * Layout: one off-heap segment from Arena.ofAuto() of ARRAY_HEADER + n * 4 bytes;
 * the int element count sits at offset 0 of the header and the data follows it.
 * The hot path (get/set) goes through a final data-only slice and a static final
 * unaligned ValueLayout, so the JIT reduces it to a bounds check plus a plain load/store.
 * Choices where the facts sheet is silent:
 * - fromSegment(seg) treats seg as data only (no header) and copies it.
 * - fromSegmentShallow(seg) expects the header layout (ARRAY_HEADER bytes, then data);
 *   the element count is (seg.byteSize() - ARRAY_HEADER) / 4 and is written into
 *   the header; no copy is made, so the array aliases seg.
 * - fromFloatBuffer copies buffer.remaining() elements starting at position(), using
 *   absolute reads (the buffer's position is not changed).
 * - Allocation asks for 16-byte alignment so atomics (KernelContext) can use VarHandles.
 * Left out: equals/hashCode, the streaming helpers of the real class.
 */
package uk.ac.manchester.tornado.api.types.arrays;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.FloatBuffer;
import java.util.Objects;

public final class FloatArray extends TornadoNativeArray {

    private static final int ELEMENT_BYTES = 4;
    private static final ValueLayout.OfFloat LAYOUT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final MemorySegment segmentWithHeader;
    private final MemorySegment segment; // data only
    private final int numberOfElements;

    public FloatArray(int numberOfElements) {
        if (numberOfElements < 0) {
            throw new IllegalArgumentException("negative size: " + numberOfElements);
        }
        this.numberOfElements = numberOfElements;
        this.segmentWithHeader = Arena.ofAuto().allocate(ARRAY_HEADER + (long) numberOfElements * ELEMENT_BYTES, 16);
        this.segment = segmentWithHeader.asSlice(ARRAY_HEADER);
        writeHeader(segmentWithHeader, numberOfElements);
    }

    /** Concatenates the given arrays into a new one. */
    public FloatArray(FloatArray... arrays) {
        this(totalSize(arrays));
        long offset = 0;
        for (FloatArray a : arrays) {
            MemorySegment.copy(a.segment, 0, segment, offset, a.getNumBytesOfSegment());
            offset += a.getNumBytesOfSegment();
        }
    }

    private FloatArray(MemorySegment withHeader, int numberOfElements) {
        this.numberOfElements = numberOfElements;
        this.segmentWithHeader = withHeader;
        this.segment = withHeader.asSlice(ARRAY_HEADER, (long) numberOfElements * ELEMENT_BYTES);
        writeHeader(withHeader, numberOfElements);
    }

    private static int totalSize(FloatArray... arrays) {
        long total = 0;
        for (FloatArray a : arrays) {
            total += a.getSize();
        }
        return checkedCount(total);
    }

    public static FloatArray fromArray(float[] values) {
        FloatArray a = new FloatArray(values.length);
        MemorySegment.copy(values, 0, a.segment, LAYOUT, 0, values.length);
        return a;
    }

    public static FloatArray fromElements(float... values) {
        return fromArray(values);
    }

    /** Copies a data-only segment (no header) into a new array. */
    public static FloatArray fromSegment(MemorySegment dataSegment) {
        long bytes = dataSegment.byteSize();
        if (bytes % ELEMENT_BYTES != 0) {
            throw new IllegalArgumentException("segment size " + bytes + " is not a multiple of " + ELEMENT_BYTES);
        }
        FloatArray a = new FloatArray(checkedCount(bytes / ELEMENT_BYTES));
        MemorySegment.copy(dataSegment, 0, a.segment, 0, bytes);
        return a;
    }

    /** Wraps, without copying, a segment that already has the header layout (header, then data). */
    public static FloatArray fromSegmentShallow(MemorySegment segmentWithHeader) {
        long dataBytes = segmentWithHeader.byteSize() - ARRAY_HEADER;
        if (dataBytes < 0 || dataBytes % ELEMENT_BYTES != 0) {
            throw new IllegalArgumentException("segment of " + segmentWithHeader.byteSize()
                    + " bytes does not hold a " + ARRAY_HEADER + "-byte header plus whole elements");
        }
        return new FloatArray(segmentWithHeader, checkedCount(dataBytes / ELEMENT_BYTES));
    }

    public static FloatArray fromFloatBuffer(FloatBuffer buffer) {
        int n = buffer.remaining();
        int start = buffer.position();
        FloatArray a = new FloatArray(n);
        for (int i = 0; i < n; i++) {
            a.set(i, buffer.get(start + i));
        }
        return a;
    }

    public static void initialize(FloatArray array, float value) {
        array.init(value);
    }

    public static FloatArray concat(FloatArray... arrays) {
        return new FloatArray(arrays);
    }

    public float get(int index) {
        return segment.getAtIndex(LAYOUT, index);
    }

    public void set(int index, float value) {
        segment.setAtIndex(LAYOUT, index, value);
    }

    @Override
    public int getSize() {
        return numberOfElements;
    }

    public void init(float value) {
        for (int i = 0; i < numberOfElements; i++) {
            segment.setAtIndex(LAYOUT, i, value);
        }
    }

    @Override
    public void clear() {
        segment.fill((byte) 0);
    }

    public float[] toHeapArray() {
        float[] out = new float[numberOfElements];
        MemorySegment.copy(segment, LAYOUT, 0, out, 0, numberOfElements);
        return out;
    }

    /** Copies {@code length} elements starting at {@code offset} into a new array. */
    public FloatArray slice(int offset, int length) {
        Objects.checkFromIndexSize(offset, length, numberOfElements);
        FloatArray a = new FloatArray(length);
        MemorySegment.copy(segment, (long) offset * ELEMENT_BYTES, a.segment, 0, (long) length * ELEMENT_BYTES);
        return a;
    }

    @Override
    public int getElementSize() {
        return ELEMENT_BYTES;
    }

    @Override
    public MemorySegment getSegment() {
        return segment;
    }

    @Override
    public MemorySegment getSegmentWithHeader() {
        return segmentWithHeader;
    }

    @Override
    public long getNumBytesOfSegment() {
        return (long) numberOfElements * ELEMENT_BYTES;
    }

    @Override
    public long getNumBytesOfSegmentWithHeader() {
        return ARRAY_HEADER + (long) numberOfElements * ELEMENT_BYTES;
    }

    @Override
    public String toString() {
        return "FloatArray[" + numberOfElements + "]";
    }
}
