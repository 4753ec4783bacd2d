package org.tornadogpt.tornadoapi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.WorkerGrid;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.WorkerGrid2D;
import uk.ac.manchester.tornado.api.WorkerGrid3D;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.TornadoNativeArray;

class KernelContextMathTest {

    @Test
    void kernelContextDefaults() {
        KernelContext ctx = new KernelContext();
        assertEquals(0, ctx.globalIdx);
        assertEquals(0, ctx.localGroupSizeZ);
        ctx.localBarrier();
        ctx.globalBarrier();
        assertEquals(8, ctx.allocateFloatLocalArray(8).length);
        assertEquals(3, ctx.allocateIntLocalArray(3).length);
    }

    @Test
    void atomicAddIsAtomicAcrossThreads() {
        KernelContext ctx = new KernelContext();
        IntArray ints = new IntArray(2);
        FloatArray floats = new FloatArray(2);
        int[] heap = new int[1];
        IntStream.range(0, 20_000).parallel().forEach(i -> {
            ctx.atomicAdd(ints, 1, 1);
            ctx.atomicAdd(floats, 1, 0.5f);
            ctx.atomicAdd(heap, 0, 2);
        });
        assertEquals(20_000, ints.get(1));
        assertEquals(10_000f, floats.get(1));
        assertEquals(40_000, heap[0]);
        assertEquals(20_000, ctx.atomicAdd(ints, 1, 5), "returns the previous value");
        assertThrows(IndexOutOfBoundsException.class, () -> ctx.atomicAdd(ints, 2, 1));

        // misaligned wrap: falls back to a lock
        MemorySegment raw = Arena.ofAuto().allocate(TornadoNativeArray.ARRAY_HEADER + 1 + 8, 16).asSlice(1);
        FloatArray odd = FloatArray.fromSegmentShallow(raw);
        IntStream.range(0, 1000).parallel().forEach(i -> ctx.atomicAdd(odd, 0, 1f));
        assertEquals(1000f, odd.get(0));
    }

    @Test
    void kernelContextTaskWithGridScheduler() {
        FloatArray out = new FloatArray(1);
        KernelContext ctx = new KernelContext();
        WorkerGrid grid = new WorkerGrid1D(64);
        grid.setLocalWork(32, 1, 1);
        GridScheduler scheduler = new GridScheduler("k.t0", grid);
        TaskGraph tg = new TaskGraph("k").task("t0", (KernelContext c, FloatArray o) -> o.set(c.globalIdx, 3f), ctx, out);
        new TornadoExecutionPlan(tg.snapshot()).withGridScheduler(scheduler).execute();
        assertEquals(3f, out.get(0));
        assertSame(grid, scheduler.get("k.t0"));
    }

    @Test
    void workerGrids() {
        WorkerGrid1D g1 = new WorkerGrid1D(128);
        assertEquals(1, g1.dimension());
        assertArrayEquals(new long[] { 128 }, g1.getGlobalWork());
        assertNull(g1.getLocalWork());
        g1.setLocalWork(32, 1, 1);
        assertArrayEquals(new long[] { 32 }, g1.getLocalWork());
        g1.setLocalWorkToNull();
        assertNull(g1.getLocalWork());
        assertArrayEquals(new long[] { 4, 5 }, new WorkerGrid2D(4, 5).getGlobalWork());
        WorkerGrid3D g3 = new WorkerGrid3D(2, 3, 4);
        g3.setGlobalWork(5, 6, 7);
        assertArrayEquals(new long[] { 5, 6, 7 }, g3.getGlobalWork());
        GridScheduler s = new GridScheduler();
        s.addWorkerGrid("s0.t0", g3);
        assertTrue(s.contains("s0.t0"));
    }

    @Test
    void mathMatchesJavaLangMath() {
        assertEquals(2f, TornadoMath.max(1f, 2f));
        assertEquals(-3, TornadoMath.min(-3, 4));
        assertEquals(5L, TornadoMath.abs(-5L));
        assertEquals((short) 7, TornadoMath.abs((short) -7));
        assertEquals((float) Math.tanh(0.3f), TornadoMath.tanh(0.3f));
        assertEquals(Math.exp(1.5), TornadoMath.exp(1.5));
        assertEquals(3f, TornadoMath.log2(8f), 1e-6f);
        assertEquals(8.0, TornadoMath.pow(2.0, 3.0));
        assertEquals(0.25f, TornadoMath.fract(2.25f));
        assertEquals(0.75, TornadoMath.fract(-1.25));
        assertTrue(TornadoMath.fract(-1e-9f) < 1f);
        assertEquals(1f, TornadoMath.clamp(3f, -1f, 1f));
        assertEquals(0.0, TornadoMath.sinpi(1.0), 1e-15);
        assertEquals(-1f, TornadoMath.cospi(1f), 1e-6f);
        assertEquals(Math.log(2.5 + Math.sqrt(2.5 * 2.5 + 1)), TornadoMath.asinh(2.5), 1e-15);
        assertEquals(-TornadoMath.asinh(2.5), TornadoMath.asinh(-2.5));
        assertEquals(Math.log(3 + Math.sqrt(8)), TornadoMath.acosh(3.0), 1e-15);
        assertEquals((float) Math.PI, TornadoMath.floatPI());
        assertEquals(Math.PI, TornadoMath.PI());
        assertEquals(-1f, TornadoMath.signum(-4f));
        assertEquals((float) Math.atan2(1, 2), TornadoMath.atan2(1f, 2f));
        assertEquals(Math.toRadians(90), TornadoMath.toRadians(90.0));
    }
}
