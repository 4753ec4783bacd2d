package org.tornadogpt.tornadoapi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;

import org.junit.jupiter.api.Test;

import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.TornadoNativeArray;

class NativeArrayTest {

    @Test
    void floatArrayRoundTripsAndHeader() {
        float[] values = { 1.5f, -2f, 3.25f, 0f, 7f };
        FloatArray a = FloatArray.fromArray(values);
        assertEquals(5, a.getSize());
        assertArrayEquals(values, a.toHeapArray());
        assertEquals(4, a.getElementSize());
        assertEquals(20, a.getNumBytesOfSegment());
        assertEquals(20 + TornadoNativeArray.ARRAY_HEADER, a.getNumBytesOfSegmentWithHeader());
        assertEquals(20, a.getSegment().byteSize());
        assertEquals(5, a.getSegmentWithHeader().get(ValueLayout.JAVA_INT, 0));
        assertEquals(3.25f, a.getSegmentWithHeader().get(ValueLayout.JAVA_FLOAT, TornadoNativeArray.ARRAY_HEADER + 8));
        a.set(2, 9f);
        assertEquals(9f, a.get(2));
        assertEquals(9f, a.getSegment().getAtIndex(ValueLayout.JAVA_FLOAT, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> a.get(5));
        assertThrows(IndexOutOfBoundsException.class, () -> a.set(-1, 0f));
        assertArrayEquals(new float[] { 1.5f, -2f, 9f, 0f, 7f }, a.toHeapArray());
        assertArrayEquals(new float[] { 1f, 2f }, FloatArray.fromElements(1f, 2f).toHeapArray());
    }

    @Test
    void floatArraySliceConcatInitClear() {
        FloatArray a = FloatArray.fromElements(0f, 1f, 2f, 3f, 4f, 5f);
        FloatArray s = a.slice(2, 3);
        assertArrayEquals(new float[] { 2f, 3f, 4f }, s.toHeapArray());
        s.set(0, 42f);
        assertEquals(2f, a.get(2), "slice copies");
        assertThrows(IndexOutOfBoundsException.class, () -> a.slice(4, 3));

        FloatArray c = FloatArray.concat(FloatArray.fromElements(1f), FloatArray.fromElements(2f, 3f));
        assertArrayEquals(new float[] { 1f, 2f, 3f }, c.toHeapArray());
        assertEquals(3, c.getSegmentWithHeader().get(ValueLayout.JAVA_INT, 0));
        FloatArray c2 = new FloatArray(FloatArray.fromElements(4f), new FloatArray(2));
        assertArrayEquals(new float[] { 4f, 0f, 0f }, c2.toHeapArray());

        FloatArray z = new FloatArray(4);
        assertArrayEquals(new float[4], z.toHeapArray(), "new arrays are zeroed");
        z.init(-0.5f);
        assertArrayEquals(new float[] { -0.5f, -0.5f, -0.5f, -0.5f }, z.toHeapArray());
        FloatArray.initialize(z, 2f);
        assertEquals(2f, z.get(3));
        z.clear();
        assertArrayEquals(new float[4], z.toHeapArray());
    }

    @Test
    void floatArrayFromSegmentsAndBuffers() {
        FloatArray a = FloatArray.fromElements(1f, 2f, 3f);
        FloatArray copy = FloatArray.fromSegment(a.getSegment());
        copy.set(0, 10f);
        assertEquals(1f, a.get(0), "fromSegment copies");
        assertArrayEquals(new float[] { 10f, 2f, 3f }, copy.toHeapArray());

        FloatArray shallow = FloatArray.fromSegmentShallow(a.getSegmentWithHeader());
        assertEquals(3, shallow.getSize());
        shallow.set(1, 20f);
        assertEquals(20f, a.get(1), "fromSegmentShallow aliases");
        assertThrows(IllegalArgumentException.class, () -> FloatArray.fromSegmentShallow(MemorySegment.ofArray(new byte[3])));

        FloatBuffer buf = FloatBuffer.wrap(new float[] { 9f, 8f, 7f });
        buf.position(1);
        FloatArray fb = FloatArray.fromFloatBuffer(buf);
        assertArrayEquals(new float[] { 8f, 7f }, fb.toHeapArray());
        assertEquals(1, buf.position());
    }

    @Test
    void intArrayRoundTrips() {
        int[] values = { 3, -1, 4, 1, 5, 9, 2, 6 };
        IntArray a = IntArray.fromArray(values);
        assertArrayEquals(values, a.toHeapArray());
        assertEquals(8, a.getSegmentWithHeader().get(ValueLayout.JAVA_INT, 0));
        assertEquals(32, a.getNumBytesOfSegment());
        assertArrayEquals(new int[] { 4, 1, 5 }, a.slice(2, 3).toHeapArray());
        assertArrayEquals(new int[] { 1, 2, 3 },
                IntArray.concat(IntArray.fromElements(1, 2), IntArray.fromElements(3)).toHeapArray());
        IntArray b = new IntArray(3);
        b.init(7);
        assertArrayEquals(new int[] { 7, 7, 7 }, b.toHeapArray());
        b.set(1, -3);
        assertEquals(-3, b.get(1));
        b.clear();
        assertArrayEquals(new int[3], b.toHeapArray());
        assertArrayEquals(values, IntArray.fromSegment(a.getSegment()).toHeapArray());
        assertArrayEquals(new int[] { 5, 6 }, IntArray.fromIntBuffer(IntBuffer.wrap(new int[] { 5, 6 })).toHeapArray());
        IntArray shallow = IntArray.fromSegmentShallow(a.getSegmentWithHeader());
        shallow.set(0, 100);
        assertEquals(100, a.get(0));
    }

    @Test
    void byteArrayRoundTrips() {
        byte[] values = { 1, -2, 3 };
        ByteArray a = ByteArray.fromArray(values);
        assertArrayEquals(values, a.toHeapArray());
        assertEquals(1, a.getElementSize());
        assertEquals(3, a.getSegmentWithHeader().get(ValueLayout.JAVA_INT, 0));
    }

    @Test
    void emptyAndNegativeSizes() {
        assertEquals(0, new FloatArray(0).getSize());
        assertThrows(IllegalArgumentException.class, () -> new FloatArray(-1));
    }
}
