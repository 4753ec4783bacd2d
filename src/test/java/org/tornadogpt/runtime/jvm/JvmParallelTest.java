package org.tornadogpt.runtime.jvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class JvmParallelTest {

    @Test
    void everyWorkerRunsOncePerCall() {
        for (int t = 1; t <= 4; t++) {
            try (JvmParallel p = new JvmParallel(t)) {
                assertEquals(t, p.threads());
                int[] hits = new int[t];
                int[] seenWorkers = new int[t];
                JvmParallel.Task task = (w, ws) -> {
                    hits[w]++;
                    seenWorkers[w] = ws;
                };
                for (int rep = 0; rep < 2000; rep++) {
                    p.run(task);
                }
                int[] expected = new int[t];
                java.util.Arrays.fill(expected, 2000);
                assertArrayEquals(expected, hits);
                int[] ws = new int[t];
                java.util.Arrays.fill(ws, t);
                assertArrayEquals(ws, seenWorkers);
            }
        }
    }

    @Test
    void workersSurviveParkingBetweenCalls() throws InterruptedException {
        try (JvmParallel p = new JvmParallel(2)) {
            AtomicInteger sum = new AtomicInteger();
            for (int rep = 0; rep < 5; rep++) {
                p.run((w, ws) -> sum.addAndGet(w + 1));
                Thread.sleep(5); // longer than the spin phase: workers park
            }
            assertEquals(5 * 3, sum.get());
        }
    }

    @Test
    void workerExceptionIsRethrownAndPoolStaysUsable() {
        try (JvmParallel p = new JvmParallel(2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.run((w, ws) -> {
                if (w == 1) {
                    throw new IllegalStateException("boom");
                }
            }));
            assertEquals("boom", e.getMessage());
            AtomicInteger count = new AtomicInteger();
            p.run((w, ws) -> count.incrementAndGet());
            assertEquals(2, count.get());
        }
    }

    @Test
    void configureReplacesCommonPool() {
        JvmParallel before = JvmParallel.common();
        int old = before.threads();
        try {
            JvmParallel.configure(old == 1 ? 2 : 1);
            JvmParallel now = JvmParallel.common();
            assertEquals(old == 1 ? 2 : 1, now.threads());
            JvmParallel.configure(now.threads());
            assertSame(now, JvmParallel.common());
        } finally {
            JvmParallel.configure(old);
        }
    }
}
