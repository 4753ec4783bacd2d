package org.tornadogpt.tornadoapi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import uk.ac.manchester.tornado.api.ImmutableTaskGraph;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.common.TaskPackage;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.enums.ProfilerMode;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;
import uk.ac.manchester.tornado.api.exceptions.TornadoRuntimeException;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

class TaskGraphPlanTest {

    static void fill(FloatArray out, float v) {
        for (@Parallel int i = 0; i < out.getSize(); i++) {
            out.set(i, v + i);
        }
    }

    static void scale(FloatArray out, FloatArray in, float k) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            out.set(i, in.get(i) * k);
        }
    }

    static void addShifted(FloatArray out, FloatArray a, FloatArray b, IntArray shift, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            out.set(i, a.get(i) + b.get(i) + shift.get(0));
        }
    }

    @Test
    void threeTasksOfDifferentAritiesRunInOrder() throws TornadoExecutionPlanException {
        FloatArray a = new FloatArray(4);
        FloatArray b = new FloatArray(4);
        FloatArray c = new FloatArray(4);
        IntArray shift = IntArray.fromElements(100);
        List<String> order = new ArrayList<>();

        TaskGraph tg = new TaskGraph("s0")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, a, b, shift)
                .task("t0", TaskGraphPlanTest::fill, a, 1f)
                .task("log", () -> order.add("log:" + a.get(0)))
                .task("t1", TaskGraphPlanTest::scale, b, a, 2f)
                .task("t2", TaskGraphPlanTest::addShifted, c, a, b, shift, 4)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, c);
        assertEquals("s0", tg.getTaskGraphName());
        ImmutableTaskGraph itg = tg.snapshot();
        tg.task("late", () -> order.add("late")); // not part of the snapshot

        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(itg)) {
            TornadoExecutionResult result = plan.withProfiler(ProfilerMode.SILENT).execute();
            assertTrue(result.isReady());
            assertSame(result, result.transferToHost(c));
            assertArrayEquals(new float[] { 1f, 2f, 3f, 4f }, a.toHeapArray());
            assertArrayEquals(new float[] { 2f, 4f, 6f, 8f }, b.toHeapArray());
            assertArrayEquals(new float[] { 103f, 106f, 109f, 112f }, c.toHeapArray());
            assertEquals(List.of("log:1.0"), order);
            assertTrue(result.getProfilerResult().getTotalTime() > 0);
            assertTrue(result.getProfilerResult().getTotalTime() >= result.getProfilerResult().getDeviceKernelTime());
            assertEquals(0, result.getProfilerResult().getDataTransfersTime());
        }
    }

    @Test
    void duplicateTaskIdIsRejected() {
        FloatArray a = new FloatArray(2);
        TaskGraph tg = new TaskGraph("dup").task("t0", TaskGraphPlanTest::fill, a, 0f);
        assertThrows(TornadoRuntimeException.class, () -> tg.task("t0", TaskGraphPlanTest::fill, a, 1f));
        assertThrows(TornadoRuntimeException.class, () -> tg.task("t0", () -> { }));
        // the same id in another graph is fine
        new TaskGraph("other").task("t0", () -> { });
    }

    @Test
    void addTaskPackageAndParameters() {
        FloatArray a = new FloatArray(3);
        TaskPackage p = TaskPackage.createPackage("p0", TaskGraphPlanTest::fill, a, 5f);
        assertEquals("p0", p.getId());
        assertEquals(2, p.getTaskType());
        assertEquals(3, p.getTaskParameters().length);
        assertSame(a, p.getTaskParameters()[1]);
        TaskGraph tg = new TaskGraph("pk").addTask(p);
        new TornadoExecutionPlan(tg.snapshot()).execute();
        assertArrayEquals(new float[] { 5f, 6f, 7f }, a.toHeapArray());
    }

    @Test
    void withGraphSelectsOneGraph() throws Exception {
        int[] counts = new int[2];
        ImmutableTaskGraph g0 = new TaskGraph("g0").task("t", () -> counts[0]++).snapshot();
        ImmutableTaskGraph g1 = new TaskGraph("g1").task("t", () -> counts[1]++).snapshot();
        TornadoExecutionPlan plan = new TornadoExecutionPlan(g0, g1);
        plan.execute();
        assertArrayEquals(new int[] { 1, 1 }, counts);
        plan.withGraph(1).execute();
        plan.execute();
        assertArrayEquals(new int[] { 1, 3 }, counts);
        plan.withAllGraphs().execute();
        assertArrayEquals(new int[] { 2, 4 }, counts);
        plan.withWarmUpIterations(2);
        assertArrayEquals(new int[] { 4, 6 }, counts);
        assertThrows(TornadoRuntimeException.class, () -> plan.withGraph(2));
        plan.close();
        plan.close();
        assertTrue(plan.isClosed());
        assertThrows(TornadoRuntimeException.class, plan::execute);
        assertTrue(TornadoExecutionPlan.getTotalPlans() >= 1);
    }

    @Test
    void invalidTransferModeIsRejected() {
        assertThrows(TornadoRuntimeException.class, () -> new TaskGraph("m").transferToDevice(7, new FloatArray(1)));
        TaskGraph tg = new TaskGraph("ok").persistOnDevice(new FloatArray(1)).consumeFromDevice("s0", new FloatArray(1))
                .consumeFromDevice(new FloatArray(1));
        assertEquals("ok", tg.getTaskGraphName());
    }
}
