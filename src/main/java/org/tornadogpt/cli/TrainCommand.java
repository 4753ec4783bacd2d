package org.tornadogpt.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import org.tornadogpt.data.DatasetException;
import org.tornadogpt.data.SplitRatios;
import org.tornadogpt.data.TextFiles;
import org.tornadogpt.data.TokenizedSplits;
import org.tornadogpt.model.GptConfig;
import org.tornadogpt.model.GptModel;
import org.tornadogpt.report.ProgressLine;
import org.tornadogpt.sample.GenerationConfig;
import org.tornadogpt.sample.Generator;
import org.tornadogpt.runtime.Backend;
import org.tornadogpt.runtime.TrainingSession;
import org.tornadogpt.runtime.AdamWConfig;
import org.tornadogpt.tokenizer.CharTokenizer;
import org.tornadogpt.tokenizer.Gpt2Tokenizer;
import org.tornadogpt.tokenizer.Tokenizer;
import org.tornadogpt.train.TrainConfig;
import org.tornadogpt.train.TrainData;
import org.tornadogpt.train.TrainState;
import org.tornadogpt.train.Trainer;
import org.tornadogpt.weights.Checkpoint;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tornado-gpt train}: the book's chapter-5 pretraining run (or the char-level notebook's)
 * from the command line. Reads and checks the options, builds tokenizer, data, model and backend,
 * and hands them to {@link Trainer}. With {@code --resume} every option not given on the command
 * line comes from the checkpoint; options that decide which tokens a step sees (tokenizer, split,
 * sampling, batch size, context, stride, seed, the text itself) must not change.
 */
@Command(name = "train", sortOptions = false, usageHelpAutoWidth = true, mixinStandardHelpOptions = true,
        description = {"Pretrain a GPT model on a text file, as in chapter 5 of \"Build a Large Language Model (From Scratch)\".",
                "Defaults are the book's: book-124M, AdamW lr 4e-4, weight decay 0.1, batch 2, 10 epochs,",
                "evaluation every 5 steps over 5 batches, dropout 0.1, seed 123, a 0.9 split, stride = context."})
public final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    // ---- data
    @Option(names = "--text", paramLabel = "FILE", description = "UTF-8 training text (on --resume: the checkpoint's text by default).")
    Path text;
    @Option(names = "--tokenizer", paramLabel = "gpt2|char", description = "gpt2 (BPE, 50257 ids) or char (vocabulary = the text's characters). Default: gpt2.")
    String tokenizer;
    @Option(names = "--split", paramLabel = "SHARES", description = "Train share (rest validation), or train,val,test shares, by characters. Default: 0.9.")
    String split;
    @Option(names = "--stride", paramLabel = "N", description = "Distance between training windows. Default: the context.")
    Integer stride;
    @Option(names = "--sampling", paramLabel = "windows|random", description = "windows: the book's shuffled sliding windows per epoch; random: B windows at random offsets per step. Default: windows.")
    String sampling;

    // ---- run length and optimizer
    @Option(names = "--epochs", paramLabel = "N", description = "Epochs to train. Default: 10 (no limit when only --max-steps is given).")
    Integer epochs;
    @Option(names = "--max-steps", paramLabel = "N", description = "Stop after N optimizer steps in total.")
    Long maxSteps;
    @Option(names = "--batch-size", paramLabel = "B", description = "Windows per step. Default: 2.")
    Integer batchSize;
    @Option(names = "--lr", paramLabel = "X", description = "AdamW (peak) learning rate. Default: 4e-4.")
    Float lr;
    @Option(names = "--weight-decay", paramLabel = "X", description = "AdamW weight decay, on every parameter. Default: 0.1.")
    Float weightDecay;
    @Option(names = "--lr-schedule", paramLabel = "constant|cosine", description = "After warm-up: constant, or cosine decay to --min-lr. Default: constant.")
    String schedule;
    @Option(names = "--warmup-steps", paramLabel = "N", description = "Linear warm-up steps. Default: 0.")
    Integer warmupSteps;
    @Option(names = "--min-lr", paramLabel = "X", description = "Final learning rate of the cosine schedule. Default: lr / 10.")
    Float minLr;
    @Option(names = "--grad-clip", paramLabel = "X", description = "Clip the global gradient norm to X; 0 = off. Default: 0.")
    Float gradClip;
    @Option(names = "--dropout", paramLabel = "X", description = "Dropout rate while training. Default: 0.1.")
    Float dropout;

    // ---- evaluation and samples
    @Option(names = "--eval-freq", paramLabel = "N", description = "Evaluate after every N-th step (steps 0, N, 2N, ...). Default: 5.")
    Integer evalFreq;
    @Option(names = "--eval-iter", paramLabel = "N", description = "Batches per split and evaluation. Default: 5.")
    Integer evalIter;
    @Option(names = "--init", paramLabel = "SCHEME", description = "Initialisation of a new model: torch (PyTorch's default module init, as the book's GPTModel) or gpt2 (N(0, 0.02), GPT-2/nanoGPT). Default: torch for the book's scratch layout, gpt2 otherwise.")
    String init;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of initialisation, shuffling, batches and dropout. Default: 123.")
    Long seed;
    @Option(names = "--start-context", paramLabel = "TEXT", description = "Prompt of the greedy sample printed after each epoch. Default: \"Every effort moves you\".")
    String startContext;
    @Option(names = "--sample-tokens", paramLabel = "N", description = "New tokens in that sample; 0 = none. Default: 50.")
    Integer sampleTokens;

    // ---- model and backend
    @Option(names = "--model", paramLabel = "PRESET", description = "Model preset: book-124M (default), 124M, 355M, 774M, 1558M.")
    String model;
    @Option(names = "--layers", paramLabel = "N", description = "Transformer blocks (changes the preset; 0 = bigram-style baseline).")
    Integer layers;
    @Option(names = "--heads", paramLabel = "N", description = "Attention heads (changes the preset).")
    Integer heads;
    @Option(names = "--emb-dim", paramLabel = "N", description = "Embedding size (changes the preset).")
    Integer embDim;
    @Option(names = "--context", paramLabel = "T", description = "Training window; at most the model's context length, which it sets when --layers/--heads/--emb-dim give a new shape. Default: the model's.")
    Integer context;
    @Mixin
    BackendOptions backendOptions = new BackendOptions();

    // ---- outputs
    @Option(names = "--out", paramLabel = "DIR", description = "Output directory: losses.csv, loss.png, perplexity.png, checkpoints. Default: runs/train.")
    Path out;
    @Option(names = "--save-every", paramLabel = "N", description = "Also write ckpt-step{N}.safetensors every N steps; 0 = only final.safetensors. Default: 0.")
    Long saveEvery;
    @Option(names = "--resume", paramLabel = "CKPT", description = "Continue the run saved in this checkpoint.")
    Path resume;
    @Option(names = "--overwrite", description = "Allow a new run to replace the checkpoints of another run in --out.")
    boolean overwrite;

    private String splitSpec; // the --split text in force (saved in checkpoints as given)

    /** A run that cannot start or go on for a reason other than the command line (files, data, saving): exit status 1. */
    static final class TrainFailure extends RuntimeException {
        TrainFailure(String message) {
            super(message);
        }
    }

    /** A command line that asks for something impossible: exit status 2, with the --help hint. */
    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    @Override
    public Integer call() throws IOException {
        try {
            return train();
        } catch (ParameterException | TrainFailure | Trainer.TrainingException e) {
            throw e;
        } catch (DatasetException e) { // text too short for the options, not UTF-8, ...
            throw new TrainFailure(e.getMessage());
        } catch (IllegalArgumentException e) { // option values the model, data or optimizer reject
            throw usage(e.getMessage());
        } catch (OutOfMemoryError e) {
            throw new TrainFailure("out of memory (" + e.getMessage() + "); lower --batch-size or --context, or give the JVM more memory (JAVA_OPTS=-Xmx...)");
        }
    }

    private boolean given(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    private int train() throws IOException {
        Checkpoint ckpt = resume != null ? openCheckpoint(resume) : null;
        try {
            return train(ckpt);
        } finally {
            if (ckpt != null) ckpt.close();
        }
    }

    private int train(Checkpoint ckpt) throws IOException {
        Map<String, String> saved = ckpt != null ? ckpt.trainState() : Map.of();
        Opts o = new Opts(saved);

        // ---- text and tokenizer
        Path textPath = text != null ? text : saved.containsKey("text") ? Path.of(saved.get("text")) : null;
        if (textPath == null) throw usage("missing --text FILE: the text to train on");
        String content = readText(textPath);
        String sha = sha256(content);
        if (ckpt != null && saved.containsKey("text_sha256") && !sha.equals(saved.get("text_sha256")))
            throw usage(textPath + " is not the text the checkpoint was trained on (its SHA-256 differs); give the original with --text");

        String tokKind = o.str("tokenizer", tokenizer, Gpt2Tokenizer.KIND);
        Tokenizer tok;
        if (ckpt != null) {
            tok = ckpt.tokenizer();
            if (tokenizer != null && !tokenizer.equals(tok.kind()))
                throw usage("--tokenizer " + tokenizer + " differs from the checkpoint's " + tok.kind());
        } else {
            tok = switch (tokKind) {
                case "gpt2" -> Gpt2Tokenizer.get();
                case "char" -> CharTokenizer.fromText(content);
                default -> throw usage("unknown --tokenizer '" + tokKind + "'; use gpt2 or char");
            };
        }

        // ---- model
        GptConfig modelCfg;
        String modelName;
        if (ckpt != null) {
            for (String opt : new String[] {"--model", "--layers", "--heads", "--emb-dim"})
                if (given(opt)) throw usage(opt + " cannot be combined with --resume: the model comes from the checkpoint");
            modelCfg = ckpt.config();
            modelName = "from " + ckpt.path().getFileName();
        } else {
            String presetName = model != null ? model : "book-124M";
            GptConfig base = GptConfig.preset(presetName);
            boolean reshaped = layers != null || heads != null || embDim != null;
            int modelContext = reshaped && context != null ? context : base.contextLength();
            try {
                modelCfg = new GptConfig(tok.vocabSize(), modelContext, embDim != null ? embDim : base.embDim(),
                        heads != null ? heads : base.nHeads(), layers != null ? layers : base.nLayers(), base.qkvBias(), base.tiedHead());
            } catch (IllegalArgumentException e) {
                throw usage("bad model shape: " + e.getMessage() + " (--layers, --heads, --emb-dim, --context)");
            }
            modelName = reshaped ? presetName + " reshaped" : presetName;
        }
        int T = o.integer("context", context, modelCfg.contextLength());
        if (T > modelCfg.contextLength())
            throw usage("--context " + T + " is longer than the model's context length " + modelCfg.contextLength()
                    + (ckpt != null ? " (checkpoint)" : " (" + modelName + ")") + "; lower --context"
                    + (ckpt != null ? "" : " or give the model a longer context with --layers/--heads/--emb-dim and --context"));

        // ---- training options
        TrainConfig cfg = buildConfig(o, T);
        if (ckpt != null) {
            checkUnchanged("--tokenizer", tokenizer, saved.get("tokenizer"));
            if (split != null && saved.containsKey("split") && !cfg.split().equals(SplitRatios.parse(saved.get("split"))))
                checkUnchanged("--split", split, saved.get("split"));
            checkUnchanged("--sampling", sampling == null ? null : cfg.sampling().label(), saved.get("sampling"));
            checkUnchanged("--batch-size", batchSize == null ? null : batchSize.toString(), saved.get("batch_size"));
            checkUnchanged("--context", context == null ? null : context.toString(), saved.get("context"));
            checkUnchanged("--stride", stride == null ? null : stride.toString(), saved.get("stride"));
            checkUnchanged("--seed", seed == null ? null : seed.toString(), saved.get("seed"));
        }
        if (cfg.sampleTokens() > 0) {
            if (cfg.startContext().isEmpty()) throw usage("--start-context is empty; give a prompt or --sample-tokens 0");
            try {
                tok.encode(cfg.startContext());
            } catch (IllegalArgumentException e) {
                if (startContext != null || saved.containsKey("start_context"))
                    throw usage("--start-context cannot be encoded: " + e.getMessage() + "; give a prompt made of the text's characters");
                // the book's default prompt is not in this char vocabulary: start from a newline, as nanoGPT's samples do
                String fallback = content.indexOf('\n') >= 0 ? "\n" : content.substring(0, content.offsetByCodePoints(0, 1));
                cfg = cfg.withStartContext(fallback);
            }
        }

        // ---- data
        TokenizedSplits ids = TokenizedSplits.of(content, cfg.split(), tok);
        TrainData data = new TrainData(ids, cfg);
        prepareOutDir(cfg.outDir(), ckpt != null);

        Map<String, String> runInfo = runInfo(cfg, textPath, sha, tok);
        TrainState state = ckpt != null ? TrainState.fromMetadata(saved) : TrainState.start();

        GptModel gpt;
        if (ckpt != null) {
            gpt = ckpt.loadModel();
        } else {
            gpt = new GptModel(modelCfg).initialize(cfg.seed(), initScheme(modelCfg));
        }
        try (Backend be = backendOptions.create();
             TrainingSession session = new TrainingSession(gpt, be, cfg.batchSize(), cfg.context(), adamW(cfg), cfg.dropout(), cfg.seed())) {
            if (ckpt != null) {
                ckpt.loadOptimizerState(session.m(), session.v());
                session.resumeFrom(Math.toIntExact(state.optimizerSteps()));
                ckpt.close(); // unmapped before the run may replace the file (resuming from final.safetensors)
            }
            printHeader(cfg, gpt, modelName, tok, textPath, content, ids, data, be, ckpt, state);
            boolean interactive = ProgressLine.stdoutIsTerminal();
            // the book's generate_text_simple: greedy, no early stop; KV-cache generation gives the same tokens.
            // A fresh generator per sample, so a device copy of the weights is never stale.
            Trainer.Generator sampler = (prompt, n) -> {
                try (Generator g = new Generator(gpt, be)) {
                    return g.generate(prompt, GenerationConfig.greedy(n).withoutEos(), null);
                }
            };
            Trainer trainer = new Trainer(cfg, gpt, tok, data, session, sampler, runInfo, spec.commandLine().getOut(), interactive);
            trainer.run(state);
        }
        return 0;
    }

    // ---------------------------------------------------------------- options

    /** Option values: the command line first, then the checkpoint's, then the default. */
    private final class Opts {
        private final Map<String, String> saved;

        Opts(Map<String, String> saved) {
            this.saved = saved;
        }

        String str(String key, String given, String dflt) {
            if (given != null) return given;
            return saved.getOrDefault(key, dflt);
        }

        int integer(String key, Integer given, int dflt) {
            if (given != null) return given;
            String s = saved.get(key);
            return s != null ? Integer.parseInt(s) : dflt;
        }

        long lng(String key, Long given, long dflt) {
            if (given != null) return given;
            String s = saved.get(key);
            return s != null ? Long.parseLong(s) : dflt;
        }

        float flt(String key, Float given, float dflt) {
            if (given != null) return given;
            String s = saved.get(key);
            return s != null ? Float.parseFloat(s) : dflt;
        }
    }

    private TrainConfig buildConfig(Opts o, int T) {
        splitSpec = o.str("split", split, "0.9");
        SplitRatios ratios;
        try {
            ratios = SplitRatios.parse(splitSpec);
        } catch (DatasetException e) {
            throw usage(e.getMessage());
        }
        TrainConfig.Sampling samp = parseEnum(TrainConfig.Sampling.class, "--sampling", o.str("sampling", sampling, "windows"));
        TrainConfig.Schedule sched = parseEnum(TrainConfig.Schedule.class, "--lr-schedule", o.str("lr_schedule", schedule, "constant"));
        // --epochs alone, --max-steps alone (no epoch limit), or both (whichever ends first)
        int ep;
        long ms;
        if (epochs != null || maxSteps != null) {
            ep = epochs != null ? epochs : 0;
            ms = maxSteps != null ? maxSteps : 0;
        } else {
            ep = o.integer("epochs", null, 10);
            ms = o.lng("max_steps", null, 0);
        }
        float rate = o.flt("lr", lr, 4e-4f);
        return new TrainConfig(ratios, samp, ep, ms, o.integer("batch_size", batchSize, 2), T,
                o.integer("stride", stride, T), rate, o.flt("weight_decay", weightDecay, 0.1f), sched,
                o.integer("warmup_steps", warmupSteps, 0), minLr != null ? minLr : given("--lr") ? rate / 10 : o.flt("min_lr", null, rate / 10),
                o.flt("grad_clip", gradClip, 0f), o.flt("dropout", dropout, 0.1f), o.integer("eval_freq", evalFreq, 5),
                o.integer("eval_iter", evalIter, 5), o.lng("seed", seed, 123L),
                o.str("start_context", startContext, TrainConfig.DEFAULT_START_CONTEXT), o.integer("sample_tokens", sampleTokens, 50),
                o.lng("save_every", saveEvery, 0), out != null ? out : resume != null ? defaultResumeOut() : Path.of("runs", "train"));
    }

    /** A resumed run writes next to its checkpoint unless told otherwise. */
    private Path defaultResumeOut() {
        Path parent = resume.toAbsolutePath().getParent();
        return parent != null ? parent : Path.of(".");
    }

    private <E extends Enum<E>> E parseEnum(Class<E> type, String option, String value) {
        for (E e : type.getEnumConstants()) if (e.name().equalsIgnoreCase(value)) return e;
        StringBuilder known = new StringBuilder();
        for (E e : type.getEnumConstants()) known.append(known.isEmpty() ? "" : ", ").append(e.name().toLowerCase(Locale.ROOT));
        throw usage("unknown " + option + " '" + value + "'; use " + known);
    }

    private void checkUnchanged(String option, String given, String saved) {
        if (given != null && saved != null && !given.equals(saved))
            throw usage(option + " " + given + " differs from the checkpoint's " + saved
                    + "; a resumed run must see the same data (drop the option to keep the checkpoint's)");
    }

    /** torch.optim.AdamW's betas and eps (the book keeps them), with the run's weight decay and clipping. */
    private static AdamWConfig adamW(TrainConfig c) {
        return new AdamWConfig(0.9, 0.999, 1e-8, c.weightDecay(), c.gradClip());
    }

    private Map<String, String> runInfo(TrainConfig c, Path textPath, String sha, Tokenizer tok) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("text", textPath.toString());
        m.put("text_sha256", sha);
        m.put("tokenizer", tok.kind());
        m.put("split", splitSpec);
        m.put("sampling", c.sampling().label());
        m.put("epochs", Integer.toString(c.epochs()));
        m.put("max_steps", Long.toString(c.maxSteps()));
        m.put("batch_size", Integer.toString(c.batchSize()));
        m.put("context", Integer.toString(c.context()));
        m.put("stride", Integer.toString(c.stride()));
        m.put("lr", Float.toString(c.lr()));
        m.put("weight_decay", Float.toString(c.weightDecay()));
        m.put("lr_schedule", c.schedule().label());
        m.put("warmup_steps", Integer.toString(c.warmupSteps()));
        m.put("min_lr", Float.toString(c.minLr()));
        m.put("grad_clip", Float.toString(c.gradClip()));
        m.put("dropout", Float.toString(c.dropout()));
        m.put("eval_freq", Integer.toString(c.evalFreq()));
        m.put("eval_iter", Integer.toString(c.evalIter()));
        m.put("seed", Long.toString(c.seed()));
        m.put("start_context", c.startContext());
        m.put("sample_tokens", Integer.toString(c.sampleTokens()));
        m.put("save_every", Long.toString(c.saveEvery()));
        return m;
    }

    // ---------------------------------------------------------------- inputs and outputs

    static String readText(Path p) throws IOException {
        if (Files.isDirectory(p)) throw new TrainFailure("--text " + p + " is a directory, not a text file");
        String s;
        try {
            s = TextFiles.read(p);
        } catch (NoSuchFileException e) {
            throw new TrainFailure("--text " + p + ": no such file");
        } catch (AccessDeniedException e) {
            throw new TrainFailure("--text " + p + ": permission denied");
        } catch (DatasetException e) {
            throw new TrainFailure("--text " + e.getMessage());
        }
        if (s.isEmpty()) throw new TrainFailure("--text " + p + " is empty; there is nothing to train on");
        return s;
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Checkpoint openCheckpoint(Path p) throws IOException {
        if (!Files.exists(p)) throw new TrainFailure("--resume " + p + ": no such file");
        Checkpoint c = Checkpoint.open(p);
        if (!c.hasOptimizerState()) {
            c.close();
            throw new TrainFailure("--resume " + p + " holds model weights only (no AdamW state), so the run cannot be continued");
        }
        return c;
    }

    private void prepareOutDir(Path dir, boolean resuming) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) throw new TrainFailure("--out " + dir + " exists and is not a directory");
        if (!resuming && !overwrite && Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                var found = s.map(p -> p.getFileName().toString())
                        .filter(n -> n.equals(Trainer.FINAL_CHECKPOINT) || n.startsWith("ckpt-step") && n.endsWith(".safetensors"))
                        .sorted().findFirst();
                if (found.isPresent())
                    throw new TrainFailure("--out " + dir + " already holds checkpoints of another run (" + found.get()
                            + "); choose another --out, continue it with --resume, or pass --overwrite");
            }
        }
        Files.createDirectories(dir);
    }

    /** 0.0004 rather than 4.0E-4. */
    private static String plain(float x) {
        return new java.math.BigDecimal(Float.toString(x)).stripTrailingZeros().toPlainString();
    }

    private void printHeader(TrainConfig cfg, GptModel gpt, String modelName, Tokenizer tok, Path textPath, String content,
                             TokenizedSplits ids, TrainData data, Backend be, Checkpoint ckpt, TrainState state) {
        PrintWriter p = spec.commandLine().getOut();
        p.println("Model: " + modelName + " " + gpt.config() + ", dropout " + plain(cfg.dropout()));
        p.println("Backend: " + be.description());
        p.println("Text: " + textPath.getFileName() + ", " + content.codePointCount(0, content.length()) + " characters, tokenizer "
                + tok.kind() + " (" + tok.vocabSize() + " ids); split " + splitSpec);
        long perEpoch = (long) data.stepsPerEpoch() * data.tokensPerStep();
        if (cfg.sampling() == TrainConfig.Sampling.WINDOWS) {
            p.println("Training tokens: " + perEpoch + " per epoch (" + ids.train().length + " in the split, " + data.trainWindows()
                    + " windows of " + cfg.context() + ", stride " + cfg.stride() + ", " + data.stepsPerEpoch() + " batches of " + cfg.batchSize() + ")");
            p.println("Validation tokens: " + ids.val().length + " (" + data.valBatches() + (data.valBatches() == 1 ? " batch)" : " batches)")
                    + (data.hasTest() ? "; test tokens: " + ids.test().length : ""));
        } else {
            p.println("Training tokens: " + ids.train().length + ", validation tokens: " + ids.val().length
                    + (data.hasTest() ? ", test tokens: " + ids.test().length : "") + "; random batches of " + cfg.batchSize()
                    + " x " + cfg.context() + ", " + data.stepsPerEpoch() + " steps per epoch");
        }
        String sched = cfg.schedule().label() + (cfg.warmupSteps() > 0 ? " after " + cfg.warmupSteps() + " warm-up steps" : "")
                + (cfg.schedule() == TrainConfig.Schedule.COSINE ? " to " + plain(cfg.minLr()) : "");
        p.println("Steps: " + data.totalSteps() + (cfg.epochs() > 0 ? " (" + cfg.epochs() + " epochs)" : "") + ", AdamW lr " + plain(cfg.lr())
                + " " + sched + ", weight decay " + plain(cfg.weightDecay()) + (cfg.gradClip() > 0 ? ", grad clip " + plain(cfg.gradClip()) : "")
                + ", seed " + cfg.seed() + "; output in " + cfg.outDir());
        if (ckpt != null)
            p.println("Resuming from " + ckpt.path() + " at step " + state.step() + " (epoch " + (state.epoch() + 1) + ", batch "
                    + state.batchInEpoch() + ", " + state.tokensSeen() + " tokens seen)");
        p.flush();
    }

    private GptModel.Init initScheme(org.tornadogpt.model.GptConfig modelCfg) {
        if (init == null) return GptModel.Init.defaultFor(modelCfg);
        try {
            return GptModel.Init.parse(init);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--init: " + e.getMessage());
        }
    }
}
