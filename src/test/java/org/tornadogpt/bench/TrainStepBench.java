package org.tornadogpt.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import org.tornadogpt.graphs.Launch;
import org.tornadogpt.graphs.Program;
import org.tornadogpt.model.GptConfig;
import org.tornadogpt.model.GptModel;
import org.tornadogpt.runtime.AdamWConfig;
import org.tornadogpt.runtime.JvmBackend;
import org.tornadogpt.runtime.TrainingSession;

/**
 * Times full training steps (forward, backward, AdamW) of a preset model on the JVM backend and
 * prints the peak resident set size; then times one more step launch by launch to show where the
 * time goes. A command for docs/benchmarks.md, not a unit test:
 * <pre>
 * mvn -q -B test-compile
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC \
 *      -cp target/classes:target/test-classes org.tornadogpt.bench.TrainStepBench 124M 4 64 2
 * </pre>
 * Arguments: preset, B, T, number of timed steps (default 124M 4 64 2); threads = all cores.
 */
public final class TrainStepBench {
    private TrainStepBench() {}

    public static void main(String[] args) throws Exception {
        String preset = args.length > 0 ? args[0] : "124M";
        int B = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int T = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        int steps = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        GptConfig cfg = GptConfig.preset(preset);
        System.out.printf(Locale.ROOT, "%s, B=%d, T=%d, %d cores; session buffers %.2f GB (TrainingSession.memoryBytes)%n",
                cfg, B, T, Runtime.getRuntime().availableProcessors(), TrainingSession.memoryBytes(cfg, B, T) / 1e9);
        long t0 = System.nanoTime();
        GptModel model = new GptModel(cfg).initialize(1337);
        Random r = new Random(1);
        int[] ids = new int[B * T], tg = new int[B * T];
        for (int i = 0; i < ids.length; i++) { ids[i] = r.nextInt(cfg.vocabSize()); tg[i] = r.nextInt(cfg.vocabSize()); }
        try (JvmBackend be = new JvmBackend();
             TrainingSession s = new TrainingSession(model, be, B, T, AdamWConfig.defaults().withWeightDecay(0.1), 0.1f, 42)) {
            System.out.printf(Locale.ROOT, "setup (init + buffers): %.1f s, backend: %s%n", (System.nanoTime() - t0) / 1e9, be.description());
            for (int i = 1; i <= steps; i++) {
                long a = System.nanoTime();
                float loss = s.step(ids, tg, 4e-4f);
                System.out.printf(Locale.ROOT, "step %d: loss %.4f, %.1f s%n", i, loss, (System.nanoTime() - a) / 1e9);
            }
            System.out.printf(Locale.ROOT, "peak RSS after %d steps: %.2f GB%n", steps, peakRssKb() / 1e6);
            profile(be, s);
        }
    }

    /** One more step, each launch as its own program, summed by operation (layer index dropped). */
    static void profile(JvmBackend be, TrainingSession s) {
        Map<String, Double> byOp = new LinkedHashMap<>();
        double total = 0;
        for (Program p : s.programs()) {
            for (Launch l : p.launches()) {
                Program one = new Program("one").add(l);
                long a = System.nanoTime();
                be.run(one);
                double sec = (System.nanoTime() - a) / 1e9;
                be.forget(one);
                String op = p.name() + ": " + l.id().replaceAll("l\\d+_", "");
                byOp.merge(op, sec, Double::sum);
                total += sec;
            }
        }
        System.out.printf(Locale.ROOT, "one step launch by launch: %.1f s%n", total);
        double t = total;
        byOp.entrySet().stream().sorted((x, y) -> Double.compare(y.getValue(), x.getValue())).limit(15)
                .forEach(e -> System.out.printf(Locale.ROOT, "  %-40s %7.2f s  %4.1f%%%n", e.getKey(), e.getValue(), 100 * e.getValue() / t));
    }

    static long peakRssKb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status")))
            if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", ""));
        return -1;
    }
}
