package org.tornadogpt.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.tornadogpt.bench.Bench;
import org.tornadogpt.bench.BenchReport;
import org.tornadogpt.bench.BenchRow;
import org.tornadogpt.model.GptConfig;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The backend comparison: the same workload, model and data on every available backend/device,
 * one table (or JSON lines, or CSV) with median time per step, tokens/s, achieved GFLOP/s, peak RSS
 * and the speed ratio to the JVM backend. Progress goes to stderr, the result to stdout.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run one workload on every available backend/device and compare them in one table.",
                "Rows: the jvm backend, then every TornadoVM device (without an SDK: the API's JVM implementation)."},
        footer = {"", "FLOPs: forward = 2*P*B*T + L*B*2*C*T*(T+1) (causal attention), train-step = 3*forward, eval = forward,",
                "generate = 2*P per position + attention; P = 12*L*C^2 + V*C matmul weights.",
                "Peak RSS is /proc/self/status VmHWM during the row.",
                "Example: bench --model 124M --batch-size 4 --context 64 --steps 2 --warmup 1"})
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--workload", defaultValue = "forward", paramLabel = "forward|train-step|generate|eval",
            description = {"What one step is (default: ${DEFAULT-VALUE}): forward (forward + loss over B*T tokens),",
                    "train-step (forward, backward, AdamW), eval (the eval command over B windows of T),",
                    "generate (greedy, KV cache: B new tokens after a prompt of T)."})
    String workload;

    @Option(names = "--model", defaultValue = "124M", paramLabel = "PRESET",
            description = {"Model preset: 124M, 355M, 774M, 1558M, book-124M (default: ${DEFAULT-VALUE}), or a GPT-2 shape"
                    + " such as layers=2,emb=128,heads=4,vocab=1024,context=128. Random weights."})
    String model;

    @Option(names = {"--batch-size", "-b"}, defaultValue = "4", paramLabel = "B", description = "Sequences per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = {"--context", "-t"}, defaultValue = "64", paramLabel = "T", description = "Tokens per sequence (default: ${DEFAULT-VALUE}).")
    int context;

    @Option(names = "--threads", paramLabel = "N", description = "Threads of the jvm backend (default: all cores).")
    Integer threads;

    @Option(names = "--backends", defaultValue = "all", split = ",", paramLabel = "all|jvm|tornado",
            description = "Which backends to run (comma-separated; default: ${DEFAULT-VALUE}).")
    List<String> backends = new ArrayList<>();

    @Option(names = "--warmup", defaultValue = "1", paramLabel = "W", description = "Untimed steps first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--steps", defaultValue = "3", paramLabel = "S", description = "Timed steps; the median is reported (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--seed", defaultValue = "1234", description = "Seed of the weights and the token data (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--no-fast-paths", description = "jvm backend: portable kernels only (no Vector API fast paths).")
    boolean noFastPaths;

    @Option(names = "--json", description = "Print one JSON object per row instead of the table.")
    boolean json;

    @Option(names = "--csv", description = "Print CSV instead of the table.")
    boolean csv;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // bad choices are IllegalArgumentExceptions: Main prints them on one line (exit code 2)
        if (json && csv) throw new IllegalArgumentException("--json and --csv are exclusive");
        for (String b : backends)
            if (!List.of("all", "jvm", "tornado").contains(b))
                throw new IllegalArgumentException("--backends " + b + ": expected all, jvm or tornado");
        Bench.Kind kind = Bench.Kind.parse(workload);
        String why = Bench.unavailableReason(kind);
        if (why != null) throw new IllegalArgumentException(why);
        GptConfig cfg = Bench.parseModel(model);
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        var config = new Bench.Config(kind, model, cfg, batchSize, context, n, !noFastPaths, backends, warmup, steps, seed);
        List<BenchRow> rows = new Bench(config, err).run();
        out.print(json ? BenchReport.jsonLines(rows) : csv ? BenchReport.csv(rows) : BenchReport.table(rows));
        out.flush();
        return rows.stream().allMatch(BenchRow::ok) ? 0 : 1;
    }
}
