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
    void everyChunkRunsExactlyOnceAndLateWorkersNeverRunALaterCallsChunks() throws InterruptedException {
        for (int t = 1; t <= 4; t++) {
            try (JvmParallel p = new JvmParallel(t)) {
                for (int rep = 0; rep < 3000; rep++) {
                    int n = 1 + rep % 37;
                    int[] hits = new int[n];
                    int call = rep;
                    int[] seenCall = new int[n];
                    p.run(n, (i, w) -> {
                        hits[i]++;
                        seenCall[i] = call;
                    });
                    for (int i = 0; i < n; i++) {
                        assertEquals(1, hits[i], "chunk " + i + " of call " + rep);
                        assertEquals(rep, seenCall[i]);
                    }
                    if (rep % 500 == 0) Thread.sleep(2); // let workers park now and then
                    if (rep % 3 == 0) p.run((w, ws) -> {}); // interleave whole-pool calls
                }
            }
        }
    }

    @Test
    void chunksUseWorkerIdsBelowThreadsAndTheCallerDoesTheWorkIfWorkersAreLate() {
        try (JvmParallel p = new JvmParallel(3)) {
            AtomicInteger bad = new AtomicInteger();
            long[] sum = new long[1];
            p.run(100, (i, w) -> {
                if (w < 0 || w >= 3) bad.incrementAndGet();
                synchronized (sum) {
                    sum[0] += i;
                }
            });
            assertEquals(0, bad.get());
            assertEquals(99 * 100 / 2, sum[0]);
        }
    }

    @Test
    void chunkExceptionIsRethrownAndPoolStaysUsable() {
        try (JvmParallel p = new JvmParallel(2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.run(8, (i, w) -> {
                if (i == 5) {
                    throw new IllegalStateException("chunk boom");
                }
            }));
            assertEquals("chunk boom", e.getMessage());
            AtomicInteger count = new AtomicInteger();
            p.run(8, (i, w) -> count.incrementAndGet());
            assertEquals(8, count.get());
            p.run((w, ws) -> count.incrementAndGet());
            assertEquals(10, count.get());
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
