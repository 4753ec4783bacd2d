package org.tornadogpt.bench;

import java.util.Locale;
import java.util.Random;

import org.tornadogpt.graphs.Activations;
import org.tornadogpt.graphs.ForwardGraph;
import org.tornadogpt.graphs.Program;
import org.tornadogpt.model.GptConfig;
import org.tornadogpt.model.GptModel;
import org.tornadogpt.runtime.AdamWConfig;
import org.tornadogpt.runtime.TornadoBackend;
import org.tornadogpt.runtime.TornadoDevices;
import org.tornadogpt.runtime.TrainingSession;
import org.tornadogpt.sample.GenerationConfig;
import org.tornadogpt.sample.Generator;
import org.tornadogpt.testutil.TornadoMemory;

/**
 * Builds, runs once and releases TornadoBackend programs of a tiny GPT-2 (2 layers, C=64, 2 heads,
 * context 64) over and over with one backend, the way the project does (a training session closed,
 * a generator closed after a sample, a program released), and prints after each round the process
 * RSS and the device buffers TornadoVM holds ({@link TornadoMemory}). Growth from round to round
 * is device memory that releasing a program does not give back. Not a unit test; with the SDK
 * built (the tornadovm profile), from the repository root:
 * <pre>
 * java @target/tornado-argfile @tornado-config/tornado.args \
 *      --add-opens tornado.drivers.opencl/uk.ac.manchester.tornado.drivers.opencl=ALL-UNNAMED \
 *      --add-opens tornado.drivers.common/uk.ac.manchester.tornado.drivers.common=ALL-UNNAMED \
 *      @tornado-config/jvm.args -cp "target/classes:target/test-classes:target/lib/*" \
 *      org.tornadogpt.bench.ReleaseMemoryProbe train 50
 * </pre>
 * ({@code target/tornado-argfile} is what {@code scripts/tornado-gpt} writes.) Arguments: the
 * workload ({@code train}: a TrainingSession of B=2, T=32, one step, closed; {@code generate}: a
 * Generator, 2 greedy tokens, closed; {@code forward}: a forward-and-loss program, run, released),
 * the number of rounds (default 50) and the vocabulary size (default 8192).
 * {@code -Dtornadogpt.tasksPerGraph=N} changes how many graphs each program becomes.
 */
public final class ReleaseMemoryProbe {
    private ReleaseMemoryProbe() {}

    public static void main(String[] args) {
        String workload = args.length > 0 ? args[0] : "train";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int vocab = args.length > 2 ? Integer.parseInt(args[2]) : 8192;
        GptConfig cfg = GptConfig.gpt2(vocab, 64, 64, 2, 2);
        GptModel model = new GptModel(cfg).initialize(1337);
        int B = 2, T = 32;
        Random r = new Random(1);
        int[] ids = new int[B * T], tg = new int[B * T];
        for (int i = 0; i < ids.length; i++) { ids[i] = r.nextInt(vocab); tg[i] = r.nextInt(vocab); }
        Activations acts = new Activations(cfg, B, T);
        for (int i = 0; i < ids.length; i++) { acts.tokens.set(i, ids[i]); acts.targets.set(i, tg[i]); }

        System.out.printf(Locale.ROOT, "%s; workload %s, %d rounds; runtime: %s; tornadogpt.tasksPerGraph=%s%n", cfg, workload, rounds,
                TornadoDevices.runtimeName(), System.getProperty("tornadogpt.tasksPerGraph", "32 (default)"));
        System.out.println("round  seconds  RSS_MiB  used_buffers  used_MiB  free_buffers  free_MiB  value");
        report(0, 0, Double.NaN);
        try (TornadoBackend be = new TornadoBackend()) {
            for (int round = 1; round <= rounds; round++) {
                long t0 = System.nanoTime();
                double value = switch (workload) {
                    case "train" -> {
                        try (TrainingSession s = new TrainingSession(model, be, B, T, AdamWConfig.defaults(), 0f, 42)) {
                            yield s.step(ids, tg, 0f); // lr 0: the same model every round
                        }
                    }
                    case "generate" -> {
                        try (Generator g = new Generator(model, be)) {
                            int[] out = g.generate(new int[] {1, 2, 3, 4}, GenerationConfig.greedy(2).withoutEos(), null);
                            yield out[out.length - 1];
                        }
                    }
                    case "forward" -> {
                        Program p = ForwardGraph.build(model, acts, true);
                        be.run(p);
                        be.release(p);
                        yield acts.loss.get(0);
                    }
                    default -> throw new IllegalArgumentException("workload: train, generate or forward, not " + workload);
                };
                report(round, (System.nanoTime() - t0) / 1e9, value);
            }
        }
        System.out.print("after closing the backend: ");
        report(-1, 0, Double.NaN);
    }

    private static void report(int round, double seconds, double value) {
        System.gc(); // host arrays of released programs are off-heap, freed when collected
        long rss = TornadoMemory.rssBytes();
        TornadoMemory.Buffers b = TornadoMemory.deviceBuffers();
        String dev = b == null ? "           n/a       n/a           n/a       n/a"
                : String.format(Locale.ROOT, "%12d  %8.1f  %12d  %8.1f", b.used(), b.usedBytes() / 1048576.0, b.free(), b.freeBytes() / 1048576.0);
        System.out.printf(Locale.ROOT, "%5d  %7.1f  %7.1f  %s  %.6f%n", round, seconds, rss / 1048576.0, dev, value);
    }
}
