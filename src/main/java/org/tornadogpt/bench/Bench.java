package org.tornadogpt.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import org.tornadogpt.model.GptConfig;
import org.tornadogpt.model.GptModel;
import org.tornadogpt.runtime.Backend;
import org.tornadogpt.runtime.JvmBackend;
import org.tornadogpt.runtime.TornadoBackend;
import org.tornadogpt.runtime.TornadoDevices;
import org.tornadogpt.runtime.TornadoDevices.DeviceInfo;

import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * Runs one workload on every selected backend/device with the same model and data (forward: a
 * forward pass with the loss over B×T tokens; train-step: forward, backward and AdamW; eval: the
 * eval command over B windows of T; generate: greedy generation of B tokens after a prompt of T,
 * with the KV cache), and measures
 * the median time per step after warm-up, tokens/s, achieved GFLOP/s ({@link Flops}), peak RSS
 * ({@link PeakRss}) and the speed ratio to the JVM backend.
 */
public final class Bench {

    /** The workloads {@code bench --workload} knows. */
    public enum Kind {
        forward("forward"), trainStep("train-step"), generate("generate"), eval("eval");

        public final String label;

        Kind(String label) {
            this.label = label;
        }

        public static Kind parse(String s) {
            for (Kind k : values()) if (k.label.equalsIgnoreCase(s) || k.name().equalsIgnoreCase(s)) return k;
            throw new IllegalArgumentException("unknown workload '" + s + "'; known: forward, train-step, generate, eval");
        }
    }

    /** What to run. {@code backends}: any of "jvm", "tornado" ("all" is both). */
    public record Config(Kind workload, String modelName, GptConfig model, int batchSize, int context, int threads,
                         boolean fastPaths, List<String> backends, int warmup, int steps, long seed) {
        public Config {
            if (batchSize < 1 || context < 1) throw new IllegalArgumentException("--batch-size and --context must be at least 1");
            if (context > model.contextLength())
                throw new IllegalArgumentException("--context " + context + " exceeds the model's context length " + model.contextLength());
            if (steps < 1) throw new IllegalArgumentException("--steps must be at least 1");
            if (warmup < 0) throw new IllegalArgumentException("--warmup must be at least 0");
            if (threads < 1) throw new IllegalArgumentException("--threads must be at least 1");
        }
    }

    /** One place to run: a label, and a way to make its backend. */
    private record Target(String device, String deviceId, String backend, String backendType, Supplier<Backend> make) {}

    private final Config cfg;
    private final PrintWriter progress;

    /** @param progress where progress lines go (one per step), flushed as they are written */
    public Bench(Config cfg, PrintWriter progress) {
        this.cfg = cfg;
        this.progress = progress;
    }

    /**
     * A model for benchmarking: a preset name ({@code 124M}, {@code book-124M}, ...) or a GPT-2
     * shape as {@code key=value} pairs over the 124M preset, e.g.
     * {@code layers=2,emb=128,heads=4,vocab=1024,context=128} (keys: layers, emb, heads, vocab,
     * context).
     */
    public static GptConfig parseModel(String spec) {
        if (!spec.contains("=")) return GptConfig.preset(spec);
        GptConfig b = GptConfig.GPT2_124M;
        int layers = b.nLayers(), emb = b.embDim(), heads = b.nHeads(), vocab = b.vocabSize(), context = b.contextLength();
        for (String kv : spec.split(",")) {
            String[] p = kv.split("=", 2);
            if (p.length != 2) throw new IllegalArgumentException("--model " + spec + ": expected key=value pairs");
            int v;
            try {
                v = Integer.parseInt(p[1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--model " + spec + ": " + p[0] + " needs an integer");
            }
            switch (p[0].trim()) {
                case "layers" -> layers = v;
                case "emb" -> emb = v;
                case "heads" -> heads = v;
                case "vocab" -> vocab = v;
                case "context" -> context = v;
                default -> throw new IllegalArgumentException("--model " + spec + ": unknown key " + p[0] + " (layers, emb, heads, vocab, context)");
            }
        }
        return GptConfig.gpt2(vocab, context, emb, heads, layers);
    }

    /** Why a workload cannot run in this build, or null when it can. */
    public static String unavailableReason(Kind k) {
        return null; // all four are in this build

    }

    private Workload workload(GptModel model, Backend backend) {
        int B = cfg.batchSize(), T = cfg.context();
        return switch (cfg.workload()) {
            case forward -> new ForwardWorkload(model, backend, B, T, cfg.seed());
            case trainStep -> new TrainStepWorkload(model, backend, B, T, cfg.seed());
            case eval -> new EvalWorkload(model, backend, B, T, cfg.seed());
            case generate -> new GenerateWorkload(model, backend, B, T, cfg.seed());
        };
    }

    private List<Target> targets() {
        List<Target> ts = new ArrayList<>();
        boolean all = cfg.backends().contains("all");
        if (all || cfg.backends().contains("jvm")) {
            int n = cfg.threads();
            ts.add(new Target("JVM (" + n + " thread" + (n == 1 ? "" : "s") + (cfg.fastPaths() ? "" : ", portable kernels") + ")",
                    "-", "jvm", "JVM", () -> new JvmBackend(n, cfg.fastPaths())));
        }
        if (all || cfg.backends().contains("tornado")) {
            List<DeviceInfo> devices;
            try {
                devices = TornadoDevices.list();
            } catch (RuntimeException | LinkageError e) {
                say("bench: TornadoVM runtime unavailable, no tornado rows: %s%n", TornadoDevices.oneLine(e));
                devices = List.of();
            }
            for (DeviceInfo d : devices) {
                int b = d.id().backend(), dv = d.id().device();
                ts.add(new Target(d.name(), d.id().toString(), "tornado", d.backendType(),
                        () -> new TornadoBackend(TornadoExecutionPlan.getDevice(b, dv))));
            }
        }
        return ts;
    }

    /** Runs every target in turn and returns the rows (ratios filled in). */
    public List<BenchRow> run() {
        String reason = unavailableReason(cfg.workload());
        if (reason != null) throw new IllegalArgumentException(reason);
        say("bench: %s, model %s (%,d parameters), B=%d, T=%d, warm-up %d, steps %d%n",
                cfg.workload().label, cfg.modelName(), cfg.model().parameterCount(), cfg.batchSize(), cfg.context(), cfg.warmup(), cfg.steps());
        GptModel model = new GptModel(cfg.model()).initialize(cfg.seed());
        List<BenchRow> rows = new ArrayList<>();
        for (Target t : targets()) {
            // a training step changes the weights: every row starts from its own copy of the same ones
            GptModel m = cfg.workload() == Kind.trainStep ? copy(model) : model;
            rows.add(runOne(m, t));
        }
        double jvm = rows.stream().filter(r -> r.ok() && r.backend().equals("jvm")).mapToDouble(BenchRow::medianMs).findFirst().orElse(Double.NaN);
        List<BenchRow> out = new ArrayList<>();
        for (BenchRow r : rows) out.add(r.withRatio(r.ok() ? jvm / r.medianMs() : Double.NaN));
        return out;
    }

    private BenchRow runOne(GptModel model, Target t) {
        String label = t.backend() + " " + (t.deviceId().equals("-") ? "" : t.deviceId() + " ") + t.device();
        PeakRss.reset();
        double[] ms = new double[cfg.steps()];
        double flops = 0, check = Double.NaN;
        long tokens = 0;
        try (Backend backend = t.make().get(); Workload w = workload(model, backend)) {
            tokens = w.tokensPerStep();
            flops = w.flopsPerStep();
            for (int i = 0; i < cfg.warmup(); i++) {
                long t0 = System.nanoTime();
                w.step();
                say("bench: %s: warm-up %d/%d %.1f ms%n", label, i + 1, cfg.warmup(), (System.nanoTime() - t0) / 1e6);
            }
            for (int i = 0; i < cfg.steps(); i++) {
                long t0 = System.nanoTime();
                w.step();
                ms[i] = (System.nanoTime() - t0) / 1e6;
                say("bench: %s: step %d/%d %.1f ms%n", label, i + 1, cfg.steps(), ms[i]);
            }
            check = w.checkValue();
        } catch (RuntimeException | LinkageError | OutOfMemoryError e) {
            say("bench: %s: failed: %s%n", label, TornadoDevices.oneLine(e));
            if (System.getenv("TORNADO_GPT_TRACE") != null) e.printStackTrace(progress);
            return new BenchRow(t.device(), t.deviceId(), t.backend(), t.backendType(), cfg.workload().label, cfg.modelName(),
                    cfg.batchSize(), cfg.context(), cfg.warmup(), cfg.steps(), Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    PeakRss.peakBytes(), Double.NaN, Double.NaN, describe(e));
        }
        double median = median(ms), min = Arrays.stream(ms).min().orElse(Double.NaN);
        return new BenchRow(t.device(), t.deviceId(), t.backend(), t.backendType(), cfg.workload().label, cfg.modelName(),
                cfg.batchSize(), cfg.context(), cfg.warmup(), cfg.steps(), median, min, tokens / (median / 1e3),
                flops / (median / 1e3) / 1e9, PeakRss.peakBytes(), check, Double.NaN, null);
    }

    static GptModel copy(GptModel m) {
        FloatArray p = new FloatArray(m.params().getSize());
        p.getSegment().copyFrom(m.params().getSegment());
        return new GptModel(m.config(), p);
    }

    /** "Class: message", or just the class when there is no message. */
    static String describe(Throwable e) {
        String m = TornadoDevices.oneLine(e), c = e.getClass().getSimpleName();
        return m.equals(c) ? c : c + ": " + m;
    }

    private void say(String fmt, Object... args) {
        progress.printf(Locale.ROOT, fmt, args);
        progress.flush();
    }

    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
