/*
 * tornado-gpt: clean-room JVM version of TornadoVM's api.KernelContext. On a plain JVM the
 * thread-index and group-size fields are always 0 (on TornadoVM they are compiler intrinsics),
 * barriers do nothing, and the local-array allocators return ordinary Java arrays.
 * atomicAdd is really atomic, so kernels may call it from several Java threads: a VarHandle
 * getAndAdd (int) or compare-and-set loop (float) on the array's segment when it is native and
 * element-aligned, otherwise a lock on the array object. It returns the previous value (the
 * sheet gives no return type). Left out: LongArray/DoubleArray/HalfFloat overloads and
 * allocateHalfFloatLocalArray (those types are not implemented here).
 */
package uk.ac.manchester.tornado.api;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

public class KernelContext {

    private static final VarHandle INT_HANDLE = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle FLOAT_HANDLE = ValueLayout.JAVA_FLOAT.varHandle();
    private static final VarHandle INT_ARRAY_HANDLE = MethodHandles.arrayElementVarHandle(int[].class);

    public final Integer globalIdx = 0;
    public final Integer globalIdy = 0;
    public final Integer globalIdz = 0;

    public final Integer groupIdx = 0;
    public final Integer groupIdy = 0;
    public final Integer groupIdz = 0;

    public final Integer localIdx = 0;
    public final Integer localIdy = 0;
    public final Integer localIdz = 0;

    public final Integer globalGroupSizeX = 0;
    public final Integer globalGroupSizeY = 0;
    public final Integer globalGroupSizeZ = 0;

    public final Integer localGroupSizeX = 0;
    public final Integer localGroupSizeY = 0;
    public final Integer localGroupSizeZ = 0;

    public KernelContext() {
    }

    public void localBarrier() {
    }

    public void globalBarrier() {
    }

    public int[] allocateIntLocalArray(int size) {
        return new int[size];
    }

    public float[] allocateFloatLocalArray(int size) {
        return new float[size];
    }

    public double[] allocateDoubleLocalArray(int size) {
        return new double[size];
    }

    public long[] allocateLongLocalArray(int size) {
        return new long[size];
    }

    public byte[] allocateByteLocalArray(int size) {
        return new byte[size];
    }

    public int atomicAdd(IntArray array, int index, int value) {
        MemorySegment segment = array.getSegment();
        long offset = elementOffset(index, array.getSize(), Integer.BYTES);
        if (atomicCapable(segment, Integer.BYTES)) {
            return (int) INT_HANDLE.getAndAdd(segment, offset, value);
        }
        synchronized (array) {
            int old = array.get(index);
            array.set(index, old + value);
            return old;
        }
    }

    public int atomicAdd(int[] array, int index, int value) {
        return (int) INT_ARRAY_HANDLE.getAndAdd(array, index, value);
    }

    public float atomicAdd(FloatArray array, int index, float value) {
        MemorySegment segment = array.getSegment();
        long offset = elementOffset(index, array.getSize(), Float.BYTES);
        if (atomicCapable(segment, Float.BYTES)) {
            float old;
            do {
                old = (float) FLOAT_HANDLE.getVolatile(segment, offset);
            } while (!FLOAT_HANDLE.compareAndSet(segment, offset, old, old + value));
            return old;
        }
        synchronized (array) {
            float old = array.get(index);
            array.set(index, old + value);
            return old;
        }
    }

    private static long elementOffset(int index, int size, int elementBytes) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " out of bounds for length " + size);
        }
        return (long) index * elementBytes;
    }

    private static boolean atomicCapable(MemorySegment segment, int elementBytes) {
        return segment.isNative() && (segment.address() & (elementBytes - 1)) == 0;
    }
}
