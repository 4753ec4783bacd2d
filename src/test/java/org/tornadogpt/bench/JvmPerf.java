package org.tornadogpt.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.tornadogpt.model.GptConfig;
import org.tornadogpt.model.GptModel;
import org.tornadogpt.runtime.AdamWConfig;
import org.tornadogpt.runtime.JvmBackend;
import org.tornadogpt.runtime.TrainingSession;
import org.tornadogpt.runtime.jvm.JvmParallel;
import org.tornadogpt.sample.GenerationConfig;
import org.tornadogpt.sample.Generator;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Measures the JVM runtime on GPT-2 124M (random weights) the way the PyTorch anchor script does
 * (../shared/bench/torch_gpt2_bench.py): median ms of training steps after warm-up, greedy
 * generation tokens/s with the KV cache, plus what issue 7 asks for beside it: per-launch profile
 * (GFLOP/s per matrix product), bytes allocated per steady-state step (all threads), peak RSS, and
 * the memory read bandwidth of the pool. Prints one JSON line per measurement.
 *
 * <pre>
 * java ... org.tornadogpt.bench.JvmPerf train B T [threads] [steps] [warmup] [profile] [dropout]
 * java ... org.tornadogpt.bench.JvmPerf generate [threads] [newTokens] [promptLen] [reps] [profile]
 * java ... org.tornadogpt.bench.JvmPerf bandwidth [threads]
 * java ... org.tornadogpt.bench.JvmPerf peak [threads]
 * </pre>
 *
 * <p>{@code peak} is the ceiling the matrix products are held against: the GFLOP/s of fused
 * multiply-adds on registers only (ten independent accumulators, no memory), with the vector width
 * the kernels use, on {@code threads} threads. It varies with the host's clock from minute to
 * minute, so measure it in the same run as the products.
 */
public final class JvmPerf {
    private JvmPerf() {}

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "train";
        switch (mode) {
            case "train" -> train(Integer.parseInt(args[1]), Integer.parseInt(args[2]), intArg(args, 3, 2), intArg(args, 4, 10),
                    intArg(args, 5, 2), args.length > 6 && args[6].equals("profile"), args.length > 7 ? Float.parseFloat(args[7]) : 0f);
            case "generate" -> generate(intArg(args, 1, 2), intArg(args, 2, 64), intArg(args, 3, 16), intArg(args, 4, 3),
                    args.length > 5 && args[5].equals("profile"));
            case "bandwidth" -> System.out.println(String.format(Locale.ROOT, "{\"bench\":\"bandwidth\",\"threads\":%d,\"read_gb_per_s\":%.1f}",
                    intArg(args, 1, 2), bandwidth(intArg(args, 1, 2))));
            case "peak" -> System.out.println(String.format(Locale.ROOT, "{\"bench\":\"fma-peak\",\"threads\":%d,\"lanes\":%d,\"gflops_per_s\":%.1f}",
                    intArg(args, 1, 2), S.length(), fmaPeak(intArg(args, 1, 2))));
            default -> throw new IllegalArgumentException("mode: train | generate | bandwidth | peak");
        }
        System.exit(0);
    }

    static int intArg(String[] a, int i, int def) {
        return a.length > i ? Integer.parseInt(a[i]) : def;
    }

    static long peakRss() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status")))
                if (l.startsWith("VmHWM:")) return Long.parseLong(l.substring(6).trim().split("\\s+")[0]) * 1024L;
        } catch (Exception e) {
            // not Linux
        }
        return -1;
    }

    static final com.sun.management.ThreadMXBean MX = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Ids of every live thread (the caller and the pool's workers among them). */
    static long[] threadIds() {
        return Arrays.stream(Thread.getAllStackTraces().keySet().toArray(Thread[]::new)).mapToLong(Thread::threadId).toArray();
    }

    /** CPU time so far of the given threads (the caller and the pool's workers among them). */
    static long cpuNanos(long[] ids) {
        long sum = 0;
        for (long id : ids) {
            long c = MX.getThreadCpuTime(id);
            if (c > 0) sum += c;
        }
        return sum;
    }

    /** Bytes allocated between two readings of {@code MX.getThreadAllocatedBytes(ids)}, threads alive at both. */
    static long allocatedBetween(long[] before, long[] after) {
        long sum = 0;
        for (int i = 0; i < before.length; i++) if (before[i] >= 0 && after[i] >= 0) sum += after[i] - before[i];
        return sum;
    }

    static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    static void train(int B, int T, int threads, int steps, int warmup, boolean profile, float dropout) {
        GptConfig cfg = GptConfig.GPT2_124M;
        GptModel model = new GptModel(cfg).initialize(1);
        Random rnd = new Random(123);
        int V = cfg.vocabSize();
        List<Double> times = new ArrayList<>(), cpus = new ArrayList<>();
        float first = 0, last = 0;
        long allocPerStep = -1;
        try (JvmBackend be = new JvmBackend(threads, true);
             TrainingSession s = new TrainingSession(model, be, B, T, AdamWConfig.defaults().withWeightDecay(0.1), dropout, 7)) {
            int[] x = new int[B * T], y = new int[B * T];
            long[] ids = null;
            long allocated = 0;
            for (int i = 0; i < warmup + steps; i++) {
                for (int k = 0; k < x.length; k++) {
                    x[k] = rnd.nextInt(V);
                    y[k] = rnd.nextInt(V);
                }
                if (i == warmup) {
                    if (profile) {
                        be.resetProfile();
                        be.profile(true);
                    }
                    ids = threadIds();
                }
                long c0 = ids == null ? 0 : cpuNanos(ids);
                long[] a0 = ids == null ? null : MX.getThreadAllocatedBytes(ids);
                long t0 = System.nanoTime();
                float loss = s.step(x, y, 4e-4f);
                double ms = (System.nanoTime() - t0) / 1e6;
                // minus the long[] that the second reading itself allocates on this thread
                long bytes = ids == null ? -1 : allocatedBetween(a0, MX.getThreadAllocatedBytes(ids)) - (16 + 8L * ids.length);
                if (ids != null) {
                    allocated += bytes;
                    cpus.add((cpuNanos(ids) - c0) / 1e6);
                }
                if (i == 0) first = loss;
                last = loss;
                if (i >= warmup) times.add(ms);
                System.err.printf(Locale.ROOT, "step %d: %.1f ms, loss %.4f, allocated %d bytes%n", i, ms, loss, bytes);
            }
            allocPerStep = allocated / steps;
            if (profile) be.printProfile(System.err, steps);
            if (allocPerStep > 0 && ids != null) {
                // where the steady-state steps allocate: JFR allocation samples over two more steps
                java.util.Set<Long> idSet = Arrays.stream(ids).boxed().collect(java.util.stream.Collectors.toSet());
                System.err.println("allocation sites (JFR samples over 2 more steps):\n" + org.tornadogpt.testutil.AllocationSites.of(() -> {
                    s.step(x, y, 4e-4f);
                    s.step(x, y, 4e-4f);
                }, idSet, 8));
            }
        }
        double med = median(times);
        double flops = trainFlops(cfg, B, T);
        System.out.println(String.format(Locale.ROOT,
                "{\"bench\":\"train-step\",\"B\":%d,\"T\":%d,\"threads\":%d,\"dropout\":%s,\"median_ms\":%.1f,\"median_cpu_ms\":%.1f,\"min_ms\":%.1f,\"max_ms\":%.1f,"
                        + "\"steps_timed\":%d,\"tokens_per_s\":%.1f,\"gflops_per_s\":%.1f,\"alloc_bytes_per_step\":%d,\"peak_rss_mb\":%.0f,"
                        + "\"first_loss\":%.4f,\"last_loss\":%.4f,\"load\":\"%s\"}",
                B, T, threads, dropout, med, median(cpus), times.stream().mapToDouble(d -> d).min().orElse(0), times.stream().mapToDouble(d -> d).max().orElse(0),
                steps, B * T / (med / 1e3), flops / (med / 1e3) / 1e9, allocPerStep, peakRss() / 1e6, first, last, load()));
    }

    /** Matrix-product FLOPs of a training step (forward 2*P_matmul per token, backward twice that) plus attention. */
    static double trainFlops(GptConfig c, int B, int T) {
        double C = c.embDim(), L = c.nLayers(), V = c.vocabSize(), bt = (double) B * T;
        double perToken = 2 * (L * 12 * C * C + V * C);
        double attn = L * 2 * 2 * B * (double) T * T * C; // q.k and p.v, full square
        return 3 * (bt * perToken + attn);
    }

    static String load() {
        try {
            String[] p = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return p[0] + " " + p[1] + " " + p[2];
        } catch (Exception e) {
            return "?";
        }
    }

    static void generate(int threads, int newTokens, int promptLen, int reps, boolean profile) {
        GptConfig cfg = GptConfig.GPT2_124M;
        GptModel model = new GptModel(cfg).initialize(1);
        Random rnd = new Random(123);
        int[] prompt = new int[promptLen];
        for (int i = 0; i < promptLen; i++) prompt[i] = rnd.nextInt(cfg.vocabSize());
        double bw = bandwidth(threads);
        try (JvmBackend be = new JvmBackend(threads, true); Generator g = new Generator(model, be)) {
            GenerationConfig gc = GenerationConfig.greedy(newTokens).withoutEos();
            g.generate(prompt, gc.withMaxNewTokens(4), null); // warm-up
            g.generate(prompt, gc, null);
            List<Double> tps = new ArrayList<>(), decode = new ArrayList<>();
            if (profile) {
                be.resetProfile();
                be.profile(true);
            }
            for (int r = 0; r < reps; r++) {
                g.generate(prompt, gc, null);
                tps.add(g.lastStats().tokensPerSecond());
                decode.add(g.lastStats().decodeTokensPerSecond());
            }
            if (profile) be.printProfile(System.err, reps * newTokens);
            double bytesPerToken = 4.0 * model.layout().size();
            double limit = bw * 1e9 / bytesPerToken;
            double med = median(tps);
            System.out.println(String.format(Locale.ROOT,
                    "{\"bench\":\"generate\",\"kv_cache\":true,\"threads\":%d,\"prompt_len\":%d,\"new_tokens\":%d,\"tokens_per_s\":%.2f,"
                            + "\"decode_tokens_per_s\":%.2f,\"read_gb_per_s\":%.1f,\"bandwidth_limit_tokens_per_s\":%.1f,\"of_limit\":%.2f,\"load\":\"%s\"}",
                    threads, promptLen, newTokens, med, median(decode), bw, limit, med / limit, load()));
        }
    }

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** Read bandwidth (GB/s) of the pool's threads summing 1 GiB of floats, best of 5. */
    static double bandwidth(int threads) {
        long n = 1L << 28;
        MemorySegment m = Arena.ofAuto().allocate(n * 4, 64);
        m.fill((byte) 1);
        double best = 0;
        float[] sink = new float[threads];
        try (JvmParallel pool = new JvmParallel(threads)) {
            for (int rep = 0; rep < 6; rep++) {
                long t0 = System.nanoTime();
                pool.run((w, ws) -> {
                    long from = n * w / ws, to = n * (w + 1) / ws;
                    FloatVector a = FloatVector.zero(S), b = FloatVector.zero(S), c = FloatVector.zero(S), d = FloatVector.zero(S);
                    int L = S.length();
                    for (long i = from; i + 4L * L <= to; i += 4L * L) {
                        a = a.add(FloatVector.fromMemorySegment(S, m, i * 4, java.nio.ByteOrder.nativeOrder()));
                        b = b.add(FloatVector.fromMemorySegment(S, m, (i + L) * 4, java.nio.ByteOrder.nativeOrder()));
                        c = c.add(FloatVector.fromMemorySegment(S, m, (i + 2 * L) * 4, java.nio.ByteOrder.nativeOrder()));
                        d = d.add(FloatVector.fromMemorySegment(S, m, (i + 3 * L) * 4, java.nio.ByteOrder.nativeOrder()));
                    }
                    sink[w] = a.add(b).add(c).add(d).reduceLanes(VectorOperators.ADD);
                });
                double gbs = n * 4 / ((System.nanoTime() - t0) / 1e9) / 1e9;
                if (rep > 0) best = Math.max(best, gbs);
            }
        }
        return best;
    }

    /** Best of six runs: GFLOP/s of register-only FMAs on every worker of a pool of {@code threads}. */
    static double fmaPeak(int threads) {
        final long iters = 20_000_000L;
        float[] sink = new float[threads];
        double best = 0;
        try (JvmParallel pool = new JvmParallel(threads)) {
            for (int rep = 0; rep < 6; rep++) {
                long t0 = System.nanoTime();
                pool.run((w, ws) -> sink[w] = fmaChains(iters));
                double gf = threads * iters * 10.0 * S.length() * 2 / ((System.nanoTime() - t0) / 1e9) / 1e9;
                if (rep > 0) best = Math.max(best, gf);
            }
        }
        return best;
    }

    /** Ten independent FMA chains (enough to cover the FMA latency on two pipes), iters steps each. */
    static float fmaChains(long iters) {
        FloatVector x = FloatVector.broadcast(S, 0.999999f), y = FloatVector.broadcast(S, 1e-7f);
        FloatVector a0 = FloatVector.broadcast(S, 1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0;
        for (long i = 0; i < iters; i++) {
            a0 = x.fma(a0, y);
            a1 = x.fma(a1, y);
            a2 = x.fma(a2, y);
            a3 = x.fma(a3, y);
            a4 = x.fma(a4, y);
            a5 = x.fma(a5, y);
            a6 = x.fma(a6, y);
            a7 = x.fma(a7, y);
            a8 = x.fma(a8, y);
            a9 = x.fma(a9, y);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).reduceLanes(VectorOperators.ADD);
    }
}
