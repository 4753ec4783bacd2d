package org.tornadogpt.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.tornadogpt.graphs.Kernels;
import org.tornadogpt.graphs.Launch;
import org.tornadogpt.kernels.DropoutKernels;
import org.tornadogpt.kernels.StepSlots;
import org.tornadogpt.runtime.jvm.FastPaths;
import org.tornadogpt.runtime.jvm.JvmParallel;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * JMH benchmarks of causal attention at GPT-2 124M's shape (12 heads of 64 channels, one layer) on
 * the JVM fast paths ({@code AttentionFast} through {@link FastPaths}, as a training step runs it):
 * the forward pass (scores, softmax, weighted values; the probabilities are saved) and the two
 * backward launches (query side: dS and dQ; key side: dK and dV). Without dropout.
 *
 * <p>{@code scripts/jmh -- AttentionBench} runs it with raw JMH options; {@code scripts/jmh} with
 * main class {@code org.tornadogpt.bench.AttentionBench} prints a table with GFLOP/s (the causal
 * half of the products: forward 2 * B*NH * T(T+1)/2 * hs * 2, each backward part twice that).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC", "-XX:-OptoRegScheduling"})
public class AttentionBench {

    /** BxT: the two shapes of the PyTorch yardstick. */
    @Param({"4x64", "2x256"})
    public String shape;

    @Param({"fwd", "bwdq", "bwdk"})
    public String op;

    @Param({"1", "2"})
    public int threads;

    static final int C = 768;
    static final int NH = 12;

    private JvmParallel pool;
    private Launch.FastPath call;

    @Setup(Level.Trial)
    public void setup() {
        String[] p = shape.split("x");
        int B = Integer.parseInt(p[0]), T = Integer.parseInt(p[1]);
        Random rnd = new Random(1);
        FloatArray qkv = random(B * T * 3 * C, rnd), out = new FloatArray(B * T * C), att = new FloatArray(B * NH * T * T);
        FloatArray dqkv = new FloatArray(B * T * 3 * C), dpre = new FloatArray(B * NH * T * T), dout = random(B * T * C, rnd);
        IntArray st = new IntArray(StepSlots.INTS);
        st.set(StepSlots.STEP, 1);
        st.set(StepSlots.DROP_THRESHOLD, DropoutKernels.threshold(0));
        int site = DropoutKernels.attentionSite(0);
        pool = new JvmParallel(threads);
        FastPaths fast = new FastPaths(pool);
        // a real forward first, so the backward launches see probabilities (rows summing to 1)
        Launch fwd = Launch.of("att", Kernels.ATTENTION_FORWARD, 0, B * NH * T, out, 0, att, 0, qkv, 0, st, site, T, C, NH);
        fast.of(fwd).run();
        Launch l = switch (op) {
            case "fwd" -> fwd;
            case "bwdq" -> Launch.of("attq", Kernels.ATTENTION_BACKWARD_QUERY, 0, B * NH * T, dqkv, dpre, att, 0, dout, qkv, 0, st, site, T, C, NH);
            case "bwdk" -> Launch.of("attk", Kernels.ATTENTION_BACKWARD_KEY, 0, B * NH * T, dqkv, dpre, att, 0, dout, qkv, 0, st, site, T, C, NH);
            default -> throw new IllegalArgumentException("op: " + op);
        };
        call = fast.of(l);
        if (call == null) throw new IllegalStateException("no fast path for " + op);
    }

    static FloatArray random(int n, Random rnd) {
        FloatArray a = new FloatArray(n);
        for (int i = 0; i < n; i++) a.set(i, (float) (rnd.nextGaussian() * 0.5));
        return a;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
    }

    @Benchmark
    public void attention() {
        call.run();
    }

    /** Runs every shape, op and thread count and prints ms and GFLOP/s; {@code -- <jmh args>} passes JMH's own command line. */
    public static void main(String[] args) throws RunnerException {
        if (args.length > 0 && args[0].equals("--")) {
            try {
                org.openjdk.jmh.Main.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            } catch (java.io.IOException e) {
                throw new RunnerException(e);
            }
            return;
        }
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(AttentionBench.class.getName() + ".attention").shouldDoGC(false).build()).run();
        List<String> lines = new ArrayList<>();
        for (RunResult r : results) {
            var params = r.getParams();
            String[] p = params.getParam("shape").split("x");
            long B = Long.parseLong(p[0]), T = Long.parseLong(p[1]);
            double flop = 2.0 * B * NH * (T * (T + 1) / 2) * (C / NH) * 2 * (params.getParam("op").equals("fwd") ? 1 : 2);
            double ms = r.getPrimaryResult().getScore();
            lines.add(String.format(Locale.ROOT, "%-5s %6s %3s %9.3f %8.1f", params.getParam("op"), params.getParam("shape"),
                    params.getParam("threads"), ms, flop / (ms * 1e-3) / 1e9));
        }
        System.out.printf(Locale.ROOT, "%n%-5s %6s %3s %9s %8s%n", "op", "BxT", "thr", "ms", "GFLOP/s");
        lines.forEach(System.out::println);
    }
}
