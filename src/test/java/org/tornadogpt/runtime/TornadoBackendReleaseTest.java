package org.tornadogpt.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tornadogpt.graphs.Launch;
import org.tornadogpt.graphs.Program;
import org.tornadogpt.kernels.ResidualKernels;
import org.tornadogpt.model.GptConfig;
import org.tornadogpt.model.GptModel;
import org.tornadogpt.sample.GenerationConfig;
import org.tornadogpt.sample.Generator;
import org.tornadogpt.testutil.TornadoMemory;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * Releasing a program gives all its device buffers back, on a TornadoVM SDK (skipped on the
 * project's JVM implementation of the API, where there is no device memory). TornadoVM frees a
 * graph's buffers only for those the graph names in a transfer, and a plan's {@code close} only
 * for the graphs selected last; before TornadoBackend took both into account, every released
 * program left its device-only buffers allocated, and a program of several graphs (or a group)
 * the buffers of all graphs but the one executed last. Counts the buffers of TornadoVM's buffer
 * provider ({@link TornadoMemory}; the tornadovm profile opens its packages to the tests).
 */
class TornadoBackendReleaseTest {
    private static final int N = 1024;

    @BeforeAll
    static void onTheSdk() {
        assumeFalse(TornadoDevices.isJvmImplementation(), "needs a TornadoVM SDK (Maven profile tornadovm)");
        assumeTrue(TornadoMemory.deviceBuffers() != null,
                "TornadoVM's buffer provider cannot be read (its packages must be opened, see TornadoMemory)");
    }

    @Test
    void aProgramFreesItsDeviceOnlyBuffers() {
        FloatArray in = filled(1f), w = filled(0.5f), x = new FloatArray(N), out = new FloatArray(N);
        Program p = new Program("release_single").onceToDevice(w).everyToDevice(in).everyToHost(out);
        p.add(Launch.of("t0", ResidualKernels::forward, 0, N, x, 0, in, 0, w, 0));   // x: on the device only
        p.add(Launch.of("t1", ResidualKernels::forward, 0, N, out, 0, x, 0, w, 0));
        int before = used();
        try (TornadoBackend be = new TornadoBackend()) {
            be.run(p);
            assertEquals(2f, out.get(N - 1));
            in.init(2f);
            be.run(p);
            assertEquals(3f, out.get(N - 1));
            assertEquals(before + 4, used(), "in, w, x and out on the device");
            be.release(p);
            assertEquals(before, used(), "device buffers left after release");
        }
    }

    @Test
    void aProgramOfSeveralGraphsFreesEveryGraph() {
        int launches = 41;
        assumeTrue(TornadoBackend.TASKS_PER_GRAPH < launches, "the program must be cut into several graphs");
        FloatArray in = filled(1f), w = filled(0.5f), x = new FloatArray(N), out = new FloatArray(N);
        Program p = new Program("release_graphs").onceToDevice(w).everyToDevice(in).everyToHost(x, out);
        p.add(Launch.of("t0", ResidualKernels::forward, 0, N, x, 0, in, 0, w, 0));
        for (int i = 1; i < launches - 1; i++) p.add(Launch.of("t" + i, ResidualKernels::accumulate, 0, N, x, 0, w, 0));
        p.add(Launch.of("t" + (launches - 1), ResidualKernels::forward, 0, N, out, 0, x, 0, w, 0));
        int before = used();
        try (TornadoBackend be = new TornadoBackend()) {
            for (float v : new float[] {1f, 3f}) {
                in.init(v);
                be.run(p);
                // x is written in the first graph and read by the host: copied out after the last
                assertEquals(v + 0.5f * (launches - 1), x.get(N - 1));
                assertEquals(v + 0.5f * launches, out.get(N - 1));
            }
            be.release(p);
            assertEquals(before, used(), "device buffers left after release");
        }
    }

    @Test
    void aGroupFreesTheGraphsOfEveryProgram() {
        FloatArray in = filled(1f), w = filled(0.5f), w2 = filled(0.25f), x = new FloatArray(N), out = new FloatArray(N);
        Program p1 = new Program("release_first").onceToDevice(w).everyToDevice(in).persistOnDevice(x);
        p1.add(Launch.of("t0", ResidualKernels::forward, 0, N, x, 0, in, 0, w, 0));
        Program p2 = new Program("release_second").consumeFromDevice(p1, x).onceToDevice(w2).everyToHost(out);
        p2.add(Launch.of("t0", ResidualKernels::forward, 0, N, out, 0, x, 0, w2, 0));
        int before = used();
        try (TornadoBackend be = new TornadoBackend()) {
            be.group(p1, p2);
            be.run(p1);
            be.run(p2);
            assertEquals(1.75f, out.get(N - 1));
            be.toHost(p2, x);
            assertEquals(1.5f, x.get(N - 1));
            be.release(p1);
            assertEquals(before, used(), "device buffers left after release");
        }
    }

    @Test
    void trainingSessionsAndGeneratorsGiveTheirDeviceMemoryBack() {
        GptModel model = new GptModel(GptConfig.gpt2(64, 16, 16, 2, 2)).initialize(7);
        int B = 2, T = 8;
        Random r = new Random(3);
        int[] ids = new int[B * T], tg = new int[B * T];
        for (int i = 0; i < ids.length; i++) { ids[i] = r.nextInt(64); tg[i] = r.nextInt(64); }
        int before = used();
        try (TornadoBackend be = new TornadoBackend()) {
            for (int round = 0; round < 2; round++) {
                try (TrainingSession s = new TrainingSession(model, be, B, T, AdamWConfig.defaults(), 0f, 1)) {
                    s.step(ids, tg, 0f);
                }
                assertEquals(before, used(), "device buffers left after closing training session " + round);
                try (Generator g = new Generator(model, be)) {
                    g.generate(new int[] {1, 2, 3}, GenerationConfig.greedy(2).withoutEos(), null);
                }
                assertEquals(before, used(), "device buffers left after closing generator " + round);
            }
        }
    }

    private static FloatArray filled(float v) {
        FloatArray a = new FloatArray(N);
        a.init(v);
        return a;
    }

    private static int used() {
        return TornadoMemory.deviceBuffers().used();
    }
}
