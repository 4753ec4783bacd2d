package org.tornadogpt.runtime.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tornadogpt.model.GptConfig;
import org.tornadogpt.model.GptModel;
import org.tornadogpt.runtime.AdamWConfig;
import org.tornadogpt.runtime.JvmBackend;
import org.tornadogpt.runtime.TrainingSession;

/**
 * Once the JIT has compiled the fast paths, a training step (forward with dropout, backward,
 * AdamW) allocates nothing on any thread of the backend: steps of a small model run until five in
 * a row allocate zero bytes, within a time budget (compilation happens in the background; until
 * C2 has compiled a leaf its vector code allocates boxed vectors, after that it must not).
 */
class SteadyStateAllocationTest {
    static final com.sun.management.ThreadMXBean MX = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void compiledTrainingStepsAllocateNothing() {
        GptConfig cfg = new GptConfig(301, 32, 48, 3, 2, true, true);
        GptModel m = new GptModel(cfg).initialize(1);
        int B = 2, T = 32;
        Random r = new Random(2);
        int[] x = new int[B * T], y = new int[B * T];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextInt(cfg.vocabSize());
            y[i] = r.nextInt(cfg.vocabSize());
        }
        long deadline = System.nanoTime() + 90_000_000_000L;
        long last = -1;
        int zeroRuns = 0;
        try (JvmBackend be = new JvmBackend(2, true); TrainingSession s = new TrainingSession(m, be, B, T, AdamWConfig.defaults(), 0.1f, 3)) {
            long[] ids = {Thread.currentThread().threadId(), -1};
            s.step(x, y, 1e-3f);
            for (Thread t : Thread.getAllStackTraces().keySet())
                if (t.getName().startsWith("tornado-gpt-jvm-")) ids[1] = t.threadId(); // the pool's worker (2 threads)
            while (System.nanoTime() < deadline && zeroRuns < 5) {
                long[] before = MX.getThreadAllocatedBytes(ids);
                s.step(x, y, 1e-3f);
                long[] after = MX.getThreadAllocatedBytes(ids);
                last = (after[0] - before[0]) - (16 + 8L * ids.length) + (after[1] - before[1]);
                zeroRuns = last == 0 ? zeroRuns + 1 : 0;
            }
        }
        assertEquals(0, last, "bytes allocated by the last training step");
    }
}
