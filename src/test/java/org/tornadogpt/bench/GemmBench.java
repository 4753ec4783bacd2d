package org.tornadogpt.bench;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
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
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.tornadogpt.runtime.jvm.GemmEngine;
import org.tornadogpt.runtime.jvm.JvmParallel;

/**
 * JMH benchmarks of the JVM GEMMs at GPT-2 124M shapes (n = B*T rows).
 *
 * <p>Run through {@code scripts/jmh} (prints a GFLOP/s table), or with raw JMH options:
 * {@code scripts/jmh -- GemmBench -p threads=2 -p op=fwd}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC", "-XX:-OptoRegScheduling"})
public class GemmBench {

    /** c x oc: qkv, attention proj, mlp fc, mlp proj, LM head. */
    @Param({"768x2304", "768x768", "768x3072", "3072x768", "768x50257"})
    public String shape;

    @Param({"fwd", "dinp", "dw"})
    public String op;

    @Param({"1", "2"})
    public int threads;

    @Param({"256"})
    public int n;

    private Arena arena;
    private JvmParallel pool;
    private GemmQuick.Bufs bufs;
    private Runnable call;

    @Setup(Level.Trial)
    public void setup() {
        String[] p = shape.split("x");
        arena = Arena.ofShared();
        bufs = new GemmQuick.Bufs(arena, n, Integer.parseInt(p[0]), Integer.parseInt(p[1]));
        pool = new JvmParallel(threads);
        call = bufs.op(new GemmEngine(pool), op);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        arena.close();
    }

    @Benchmark
    public void gemm() {
        call.run();
    }

    /**
     * Runs the benchmarks and prints GFLOP/s = 2 * n * c * oc / time per shape, op and thread count.
     * Arguments {@code -- <jmh args>} are passed to JMH's own command line instead. System properties
     * {@code shapes}, {@code ops}, {@code threads}, {@code n} (comma lists) narrow the run;
     * {@code jvmArgs} (space separated) are appended to the forked JVM's flags.
     */
    public static void main(String[] args) throws RunnerException, java.io.IOException {
        if (args.length > 0 && args[0].equals("--")) {
            String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
            org.openjdk.jmh.Main.main(rest);
            return;
        }
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include(GemmBench.class.getName() + ".gemm")
                .shouldDoGC(false);
        param(o, "shape", System.getProperty("shapes"));
        param(o, "op", System.getProperty("ops"));
        param(o, "threads", System.getProperty("threads"));
        param(o, "n", System.getProperty("n"));
        if (System.getProperty("warmups") != null) {
            o.warmupIterations(Integer.getInteger("warmups"));
        }
        if (System.getProperty("iterations") != null) {
            o.measurementIterations(Integer.getInteger("iterations"));
        }
        if (System.getProperty("seconds") != null) {
            TimeValue t = TimeValue.milliseconds((long) (Double.parseDouble(System.getProperty("seconds")) * 1000));
            o.warmupTime(t).measurementTime(t);
        }
        String jvmArgs = System.getProperty("jvmArgs");
        if (jvmArgs != null && !jvmArgs.isBlank()) {
            o.jvmArgsAppend(jvmArgs.trim().split("\\s+"));
        }
        Collection<RunResult> results = new Runner(o.build()).run();
        List<String> lines = new ArrayList<>();
        for (RunResult r : results) {
            var params = r.getParams();
            String[] p = params.getParam("shape").split("x");
            int rows = Integer.parseInt(params.getParam("n"));
            double flop = 2.0 * rows * Long.parseLong(p[0]) * Long.parseLong(p[1]);
            double ms = r.getPrimaryResult().getScore();
            double err = r.getPrimaryResult().getScoreError();
            double gf = flop / (ms * 1e-3) / 1e9;
            // GFLOP/s range from the 99.9% confidence interval of the time
            double gfLo = Double.isNaN(err) ? gf : flop / ((ms + err) * 1e-3) / 1e9;
            double gfHi = Double.isNaN(err) || err >= ms ? gf : flop / ((ms - err) * 1e-3) / 1e9;
            lines.add(String.format(Locale.ROOT, "%-5s %4d %6s %6s %3s %10.3f %8.1f %8.1f %8.1f",
                    params.getParam("op"), rows, p[0], p[1], params.getParam("threads"), ms, gf, gfLo, gfHi));
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "%-5s %4s %6s %6s %3s %10s %8s %8s %8s%n",
                "op", "n", "c", "oc", "thr", "ms", "GFLOP/s", "lo", "hi");
        lines.forEach(System.out::println);
    }

    private static void param(ChainedOptionsBuilder o, String name, String csv) {
        if (csv != null && !csv.isBlank()) {
            o.param(name, csv.split(","));
        }
    }
}
