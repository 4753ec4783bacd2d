package org.tornadogpt.runtime.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.tornadogpt.model.GptConfig;
import org.tornadogpt.model.GptModel;
import org.tornadogpt.runtime.AdamWConfig;
import org.tornadogpt.runtime.JvmBackend;
import org.tornadogpt.runtime.TrainingSession;
import org.tornadogpt.sample.GenerationConfig;
import org.tornadogpt.sample.Generator;
import org.tornadogpt.testutil.AllocationSites;

/**
 * Once the JIT has compiled the fast paths, a training step (forward with dropout, backward,
 * AdamW) allocates nothing on any thread of the backend: steps of a small model run until five in
 * a row allocate zero bytes, within a time budget (compilation happens in the background; until
 * C2 has compiled a leaf its vector code allocates boxed vectors, after that it must not). If
 * steps still allocate at the deadline, the failure names the vector width, the GEMM tile and the
 * heaviest allocation sites (JFR samples over a few more steps).
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
        long deadline = System.nanoTime() + 60_000_000_000L;
        long last = -1;
        long[] perThread = {};
        int zeroRuns = 0;
        String sites = "";
        try (JvmBackend be = new JvmBackend(2, true); TrainingSession s = new TrainingSession(m, be, B, T, AdamWConfig.defaults(), 0.1f, 3)) {
            s.step(x, y, 1e-3f);
            long[] ids = workerIds();
            long own = 16 + 8L * ids.length; // the long[] that getThreadAllocatedBytes returns
            while (System.nanoTime() < deadline && zeroRuns < 5) {
                long[] before = MX.getThreadAllocatedBytes(ids);
                s.step(x, y, 1e-3f);
                long[] after = MX.getThreadAllocatedBytes(ids);
                perThread = new long[ids.length];
                last = -own;
                for (int i = 0; i < ids.length; i++) {
                    perThread[i] = after[i] - before[i] - (i == 0 ? own : 0);
                    last += after[i] - before[i];
                }
                zeroRuns = last == 0 ? zeroRuns + 1 : 0;
            }
            if (last != 0) {
                Set<Long> idSet = Arrays.stream(ids).boxed().collect(Collectors.toSet());
                sites = AllocationSites.of(() -> {
                    for (int i = 0; i < 20; i++) s.step(x, y, 1e-3f);
                }, idSet, 6);
            }
        }
        String message = "bytes allocated by the last training step (caller, workers: "
                + Arrays.toString(perThread) + "; " + GemmEngine.vectorLanes() + " float lanes, GEMM tile "
                + GemmEngine.Kernel.auto() + ", OptoRegScheduling " + GemmEngine.OPTO_REG_SCHEDULING
                + "); JFR allocation samples over 20 more steps:\n" + sitesOrNone(sites);
        assertEquals(0, last, message);
    }

    @Test
    void compiledDecodeStepsAllocateNothing() {
        // KV-cache decoding (matrix-vector products, attention against the cache, greedy choice):
        // the bytes allocated between one token and the next, on the caller and every worker
        GptConfig cfg = new GptConfig(301, 32, 48, 3, 2, true, true);
        GptModel m = new GptModel(cfg).initialize(1);
        long deadline = System.nanoTime() + 60_000_000_000L;
        long[] last = {-1};
        int[] zeroRuns = {0};
        String sites = "";
        try (JvmBackend be = new JvmBackend(2, true); Generator g = new Generator(m, be)) {
            GenerationConfig gc = GenerationConfig.greedy(cfg.contextLength() - 1).withoutEos();
            int[] prompt = {7};
            g.generate(prompt, gc, null);
            long[] ids = workerIds();
            long[] prev = new long[ids.length];
            boolean[] started = {false};
            while (System.nanoTime() < deadline && zeroRuns[0] < 5) {
                started[0] = false;
                g.generate(prompt, gc, token -> {
                    long sum = 0;
                    for (int i = 0; i < ids.length; i++) {
                        long now = MX.getThreadAllocatedBytes(ids[i]);
                        sum += now - prev[i];
                        prev[i] = now;
                    }
                    if (started[0] && zeroRuns[0] < 5) {
                        last[0] = sum;
                        zeroRuns[0] = sum == 0 ? zeroRuns[0] + 1 : 0;
                    }
                    started[0] = true; // the first token comes from the prefill
                });
            }
            if (last[0] != 0) {
                Set<Long> idSet = Arrays.stream(ids).boxed().collect(Collectors.toSet());
                sites = AllocationSites.of(() -> g.generate(prompt, gc, null), idSet, 6);
            }
        }
        assertEquals(0, last[0], "bytes allocated between two decoded tokens; JFR allocation samples over one more generation:\n"
                + sitesOrNone(sites));
    }

    /** The calling thread first, then every pool worker (idle workers of other pools add nothing). */
    private static long[] workerIds() {
        List<Long> list = new ArrayList<>(List.of(Thread.currentThread().threadId()));
        for (Thread t : Thread.getAllStackTraces().keySet())
            if (t.getName().startsWith("tornado-gpt-jvm-")) list.add(t.threadId());
        return list.stream().mapToLong(Long::longValue).toArray();
    }

    private static String sitesOrNone(String s) {
        return s.isEmpty() ? "  (not sampled)" : s;
    }
}
