package org.tornadogpt.weights;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.tornadogpt.model.GptConfig;
import org.tornadogpt.model.GptModel;
import org.tornadogpt.model.ParameterLayout;

/**
 * Reads a GPT-2 style model from any of the supported files into a {@link GptModel}.
 *
 * <p>Files: a Hugging Face {@code model.safetensors} (names {@code wte.weight}, {@code h.0.attn.c_attn.weight},
 * ..., optionally prefixed {@code transformer.}; Conv1D matrices {@code [in, out]}, transposed on load), a
 * sharded one through {@code model.safetensors.index.json}, a directory holding either, the book's
 * from-scratch {@code GPTModel} saved as safetensors ({@code tok_emb.weight}, {@code trf_blocks.0.att.W_query.weight},
 * ...), a safetensors file with this project's internal names ({@code wte}, {@code h.0.attn.qkv.weight}, ...; as
 * {@link ParameterLayout} names them), and llm.c {@code gpt2_*.bin} (version 3 float32 or 5 bfloat16; the padded
 * vocabulary rows are dropped). F16, BF16 and F64 tensors are converted to float32.
 *
 * <p>The config comes from, in order of precedence: explicit {@link LoadOptions}, {@code config.json} (beside the
 * weights, Hugging Face keys {@code n_embd, n_head, ...} or the book's {@code emb_dim, n_heads, ...}), the file's
 * safetensors metadata (the book's keys, as the fixtures and this project's checkpoints write them), and the
 * tensor shapes. Shapes give everything but the head count, which then comes from the known GPT-2 sizes
 * (124M: 12, 355M: 16, 774M: 20, 1558M: 25) or must be given. A value that contradicts the tensors is an error
 * naming the file and the tensor.
 *
 * <p>Memory: the files are memory-mapped and every tensor is converted straight from the mapping into the
 * off-heap parameter buffer, so the heap never holds a copy of the weights.
 */
public final class ModelLoader {
    private ModelLoader() {}

    /**
     * {@code __metadata__["format"]} of a tornado-gpt checkpoint: parameters under their internal names,
     * the config under {@code model.*}, the tokenizer under {@code tokenizer.*}, optionally AdamW state
     * ({@code optimizer.*}) and training state ({@code train.*}), which loading a model ignores.
     */
    public static final String CHECKPOINT_FORMAT = "tornado-gpt-checkpoint";

    /** Names of the tensor layouts that can be read. */
    enum Scheme { HF, SCRATCH, INTERNAL }

    private enum Field {
        VOCAB("vocab_size"), CONTEXT("context_length"), EMBED("emb_dim"), LAYERS("n_layers"), HEADS("n_heads");

        final String bookKey;

        Field(String bookKey) {
            this.bookKey = bookKey;
        }
    }

    /** One config value and where it came from ("config.json", "--heads", "metadata of x.safetensors"). */
    private record Value(int value, String source, String key) {
        String describe() {
            return key + " = " + value + " from " + source;
        }
    }

    /** A value fixed by the file's tensors (or the llm.c header), with the tensor that fixes it. */
    private record Fact(int value, String what) {}

    private static final Map<Long, Integer> KNOWN_HEADS = new HashMap<>();

    static {
        for (GptConfig c : GptConfig.presets().values()) KNOWN_HEADS.put(sizeKey(c.embDim(), c.nLayers()), c.nHeads());
    }

    /** The head count of a known GPT-2 size with C channels and L layers, or null. */
    static Integer knownHeads(int c, int l) {
        return KNOWN_HEADS.get(sizeKey(c, l));
    }

    private static long sizeKey(int c, int l) {
        return ((long) c << 32) | l;
    }

    public static LoadedModel load(Path path) throws IOException {
        return load(path, LoadOptions.defaults());
    }

    /** Loads the model at {@code path} (a file or a directory); every problem is a one-line {@link WeightFormatException}. */
    public static LoadedModel load(Path path, LoadOptions opts) throws IOException {
        long start = System.nanoTime();
        Path file = resolve(path);
        String name = file.getFileName().toString();
        if (name.endsWith(".index.json")) {
            try (ShardedSafetensors src = ShardedSafetensors.open(file)) {
                return fromSafetensors(src, file, "sharded safetensors", opts, start);
            }
        }
        byte[] head = new byte[8];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, 8);
        }
        if (n >= 4 && (head[0] & 0xff | (head[1] & 0xff) << 8 | (head[2] & 0xff) << 16 | (head[3] & 0xff) << 24) == LlmcCheckpoint.MAGIC) {
            try (LlmcCheckpoint ck = LlmcCheckpoint.open(file)) {
                return fromLlmc(ck, opts, start);
            }
        }
        if (n >= 2 && (head[0] == 'P' && head[1] == 'K' || (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5)) {
            throw WeightFormatException.of(file, "is a PyTorch pickle checkpoint, which cannot be read safely; save it as "
                    + "safetensors (safetensors.torch.save_file(model.state_dict(), \"model.safetensors\"))");
        }
        try (SafetensorsFile src = SafetensorsFile.open(file)) {
            return fromSafetensors(src, file, "safetensors", opts, start);
        }
    }

    /** A directory becomes its model.safetensors or model.safetensors.index.json. */
    private static Path resolve(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            for (String f : new String[] {"model.safetensors", "model.safetensors.index.json"}) {
                Path p = path.resolve(f);
                if (Files.isRegularFile(p)) return p;
            }
            throw WeightFormatException.of(path, "directory has no model.safetensors or model.safetensors.index.json");
        }
        if (!Files.exists(path)) throw WeightFormatException.of(path, "weights file not found");
        if (!Files.isRegularFile(path)) throw WeightFormatException.of(path, "is not a regular file");
        return path;
    }

    // ---------------------------------------------------------------- safetensors

    /** One tensor to read: external name, expected shape, element offset in the flat buffer, transposed or not. */
    private record Slot(String name, int[] shape, int flatOffset, boolean transposed) {}

    private static LoadedModel fromSafetensors(TensorSource src, Path file, String format, LoadOptions opts, long start) throws IOException {
        Set<String> names = src.names();
        Scheme scheme;
        String prefix = "";
        if (names.contains("wte.weight")) {
            scheme = Scheme.HF;
        } else if (names.contains("transformer.wte.weight")) {
            scheme = Scheme.HF;
            prefix = "transformer.";
        } else if (names.contains("tok_emb.weight")) {
            scheme = Scheme.SCRATCH;
        } else if (names.contains("wte") && names.contains("wpe")) {
            scheme = Scheme.INTERNAL;
        } else {
            throw WeightFormatException.of(file, "is not a GPT-2 checkpoint: no token embedding 'wte.weight' (Hugging Face), "
                    + "'tok_emb.weight' (the book's GPTModel) or 'wte' (tornado-gpt); it has " + sample(names));
        }
        String wteName = switch (scheme) {
            case HF -> prefix + "wte.weight";
            case SCRATCH -> "tok_emb.weight";
            case INTERNAL -> "wte";
        };
        String wpeName = switch (scheme) {
            case HF -> prefix + "wpe.weight";
            case SCRATCH -> "pos_emb.weight";
            case INTERNAL -> "wpe";
        };
        TensorInfo wte = src.info(wteName);
        TensorInfo wpe = src.info(wpeName);
        Path wteFile = src.fileOf(wteName), wpeFile = src.fileOf(wpeName);
        if (wte.rank() != 2) throw WeightFormatException.tensor(wteFile, wteName, "has shape " + Arrays.toString(wte.shape()) + ", expected [vocab, channels]");
        if (wpe.rank() != 2) throw WeightFormatException.tensor(wpeFile, wpeName, "has shape " + Arrays.toString(wpe.shape()) + ", expected [context, channels]");
        if (wpe.dim(1) != wte.dim(1))
            throw WeightFormatException.tensor(wpeFile, wpeName, "has shape " + Arrays.toString(wpe.shape()) + ", but '" + wteName
                    + "' has " + Arrays.toString(wte.shape()) + ": the channel counts differ");

        String layerPrefix = switch (scheme) {
            case HF -> prefix + "h.";
            case SCRATCH -> "trf_blocks.";
            case INTERNAL -> "h.";
        };
        Pattern layerPattern = Pattern.compile(Pattern.quote(layerPrefix) + "(\\d+)\\..*");
        int layersInFile = 0;
        for (String nm : names) {
            Matcher m = layerPattern.matcher(nm);
            if (m.matches()) layersInFile = Math.max(layersInFile, Integer.parseInt(m.group(1)) + 1);
        }
        String ln1 = switch (scheme) {
            case HF -> "ln_1.weight";
            case SCRATCH -> "norm1.scale";
            case INTERNAL -> "ln1.weight";
        };

        Map<Field, Fact> facts = new EnumMap<>(Field.class);
        String wteDesc = "tensor '" + wteName + "' has shape " + Arrays.toString(wte.shape());
        facts.put(Field.VOCAB, new Fact(toInt(wteFile, wteName, wte.dim(0)), wteDesc));
        facts.put(Field.EMBED, new Fact(toInt(wteFile, wteName, wte.dim(1)), wteDesc));
        facts.put(Field.CONTEXT, new Fact(toInt(wpeFile, wpeName, wpe.dim(0)), "tensor '" + wpeName + "' has shape " + Arrays.toString(wpe.shape())));
        facts.put(Field.LAYERS, new Fact(layersInFile, "the file has tensors for " + layersInFile + " layer" + (layersInFile == 1 ? "" : "s")
                + " (" + layerPrefix + "0 .. " + layerPrefix + (layersInFile - 1) + ")"));

        List<Map<Field, Value>> sources = new ArrayList<>();
        sources.add(explicit(opts));
        Path configFile = opts.configFile() != null ? opts.configFile() : file.resolveSibling("config.json");
        if (opts.configFile() != null || Files.isRegularFile(configFile)) sources.add(readConfigJson(configFile));
        sources.add(fromMetadata(file, src.metadata()));

        Resolved r = resolve(file, sources, facts);
        // A layer count from a source that differs from the file: name the tensor that shows it.
        if (r.layersFrom != null && r.layers != layersInFile) {
            if (r.layers > layersInFile)
                throw WeightFormatException.tensor(file, layerPrefix + layersInFile + "." + ln1, "not found: " + r.layersFrom.describe()
                        + ", but the file has tensors for " + layersInFile + " layers only");
            throw WeightFormatException.tensor(file, layerPrefix + r.layers + "." + ln1, "belongs to layer " + r.layers + ", beyond "
                    + r.layersFrom.describe() + " (the file has " + layersInFile + " layers)");
        }

        boolean qkvBias, tied;
        switch (scheme) {
            case HF -> {
                qkvBias = r.layers == 0 || names.contains(prefix + "h.0.attn.c_attn.bias");
                tied = !names.contains("lm_head.weight") && !names.contains(prefix + "lm_head.weight");
            }
            case SCRATCH -> {
                qkvBias = r.layers > 0 && names.contains("trf_blocks.0.att.W_query.bias");
                tied = !names.contains("out_head.weight");
            }
            default -> {
                qkvBias = r.layers > 0 && names.contains("h.0.attn.qkv.bias");
                tied = !names.contains("lm_head");
            }
        }
        GptConfig cfg = r.config(file, wteDesc, qkvBias, tied);

        List<Slot> slots = new ArrayList<>();
        if (scheme == Scheme.INTERNAL) {
            for (ParameterLayout.Tensor t : new ParameterLayout(cfg).tensors()) slots.add(new Slot(t.name(), t.shape(), t.offset(), false));
        } else {
            TensorMapping map = new TensorMapping(cfg, scheme == Scheme.HF ? TensorMapping.Scheme.HF : TensorMapping.Scheme.SCRATCH);
            for (TensorMapping.Entry e : map.entries()) {
                String ext = e.external();
                if (scheme == Scheme.HF && !ext.equals("lm_head.weight")) ext = prefix + ext;
                else if (scheme == Scheme.HF && names.contains(prefix + ext)) ext = prefix + ext;
                slots.add(new Slot(ext, e.shape(), map.flatOffset(e), e.transposed()));
            }
        }

        Set<String> unexpected = new LinkedHashSet<>(names);
        for (Slot s : slots) unexpected.remove(s.name());
        unexpected.removeIf(nm -> ignorable(scheme, nm));
        for (Slot s : slots) {
            if (!src.contains(s.name())) {
                String hint = unexpected.isEmpty() ? "" : "; the file has tensors the model does not use: " + sample(unexpected);
                throw WeightFormatException.tensor(file, s.name(), "not found (a " + cfg.layoutName() + " model "
                        + shortConfig(cfg) + " needs it)" + hint);
            }
            TensorInfo info = src.info(s.name());
            long[] want = Arrays.stream(s.shape()).asLongStream().toArray();
            if (!Arrays.equals(info.shape(), want))
                throw WeightFormatException.tensor(src.fileOf(s.name()), s.name(), "has shape " + Arrays.toString(info.shape())
                        + ", expected " + Arrays.toString(want) + " for " + shortConfig(cfg) + " (" + r.describe() + ")");
            if (!info.dtype().isFloatConvertible())
                throw WeightFormatException.tensor(src.fileOf(s.name()), s.name(), "has dtype " + info.dtype()
                        + "; weights must be F32, F16, BF16 or F64");
        }
        if (scheme != Scheme.INTERNAL && !unexpected.isEmpty())
            throw WeightFormatException.tensor(src.fileOf(unexpected.iterator().next()), unexpected.iterator().next(),
                    "is not part of a " + cfg.layoutName() + " model " + shortConfig(cfg)
                            + (unexpected.size() > 1 ? " (nor are " + (unexpected.size() - 1) + " more: " + sample(unexpected) + ")" : ""));

        GptModel model = new GptModel(cfg);
        MemorySegment dst = model.params().getSegment();
        for (Slot s : slots) {
            long byteOff = 4L * s.flatOffset();
            if (s.transposed()) src.readFloatsTransposedInto(s.name(), dst, byteOff);
            else src.readFloatsInto(s.name(), dst, byteOff);
        }
        String fmt = CHECKPOINT_FORMAT.equals(src.metadata().get("format")) ? "tornado-gpt checkpoint" : format + switch (scheme) {
            case HF -> " (Hugging Face GPT-2 names)";
            case SCRATCH -> " (the book's GPTModel names)";
            case INTERNAL -> " (tornado-gpt names)";
        };
        return new LoadedModel(model, file, fmt, r.describe(), src.metadata(), System.nanoTime() - start);
    }

    /** Buffers that PyTorch modules save with their weights but that are not parameters. */
    private static boolean ignorable(Scheme scheme, String name) {
        return switch (scheme) {
            case HF -> name.endsWith(".attn.bias") || name.endsWith(".attn.masked_bias");
            case SCRATCH -> name.endsWith(".att.mask");
            case INTERNAL -> true;
        };
    }

    private static String sample(Set<String> names) {
        List<String> l = new ArrayList<>();
        for (String n : names) {
            if (l.size() == 3) break;
            l.add("'" + n + "'");
        }
        return String.join(", ", l) + (names.size() > 3 ? ", ... (" + names.size() + " in all)" : "");
    }

    private static int toInt(Path file, String tensor, long v) throws WeightFormatException {
        if (v <= 0 || v > Integer.MAX_VALUE) throw WeightFormatException.tensor(file, tensor, "has a dimension of " + v);
        return (int) v;
    }

    private static String shortConfig(GptConfig c) {
        return String.format(Locale.ROOT, "(V=%d, Tmax=%d, C=%d, NH=%d, L=%d)", c.vocabSize(), c.contextLength(), c.embDim(), c.nHeads(), c.nLayers());
    }

    // ---------------------------------------------------------------- llm.c

    private static LoadedModel fromLlmc(LlmcCheckpoint ck, LoadOptions opts, long start) throws IOException {
        Path file = ck.path();
        LlmcCheckpoint.Config h = ck.config();
        Map<Field, Fact> facts = new EnumMap<>(Field.class);
        facts.put(Field.VOCAB, new Fact(h.vocabSize(), "the llm.c header has V = " + h.vocabSize()));
        facts.put(Field.CONTEXT, new Fact(h.maxSeqLen(), "the llm.c header has maxT = " + h.maxSeqLen()));
        facts.put(Field.EMBED, new Fact(h.channels(), "the llm.c header has C = " + h.channels()));
        facts.put(Field.LAYERS, new Fact(h.numLayers(), "the llm.c header has L = " + h.numLayers()));
        facts.put(Field.HEADS, new Fact(h.numHeads(), "the llm.c header has NH = " + h.numHeads()));
        List<Map<Field, Value>> sources = new ArrayList<>();
        sources.add(explicit(opts));
        if (opts.configFile() != null) sources.add(readConfigJson(opts.configFile()));
        Resolved r = resolve(file, sources, facts);
        if (r.layersFrom != null && r.layers != h.numLayers())
            throw WeightFormatException.of(file, facts.get(Field.LAYERS).what() + ", which contradicts " + r.layersFrom.describe());
        GptConfig cfg = r.config(file, "the llm.c header", true, true);
        GptModel model = new GptModel(cfg);
        ParameterLayout p = model.layout();
        MemorySegment dst = model.params().getSegment();
        int V = cfg.vocabSize(), C = cfg.embDim();
        long elem = ck.dtype().byteSize();
        // wte: only the first V of the Vp (padded) rows
        copy(ck, "wte", ck.tensor(LlmcCheckpoint.Kind.WTE).asSlice(0, (long) V * C * elem), new long[] {V, C}, dst, p.wte());
        copy(ck, "wpe", ck.tensor(LlmcCheckpoint.Kind.WPE), ck.shape(LlmcCheckpoint.Kind.WPE), dst, p.wpe());
        for (int l = 0; l < cfg.nLayers(); l++) {
            int[] offsets = {p.ln1Weight(l), p.ln1Bias(l), p.qkvWeight(l), p.qkvBias(l), p.attnProjWeight(l), p.attnProjBias(l),
                    p.ln2Weight(l), p.ln2Bias(l), p.fcWeight(l), p.fcBias(l), p.fcProjWeight(l), p.fcProjBias(l)};
            LlmcCheckpoint.Kind[] kinds = {LlmcCheckpoint.Kind.LN1W, LlmcCheckpoint.Kind.LN1B, LlmcCheckpoint.Kind.QKVW, LlmcCheckpoint.Kind.QKVB,
                    LlmcCheckpoint.Kind.ATTPROJW, LlmcCheckpoint.Kind.ATTPROJB, LlmcCheckpoint.Kind.LN2W, LlmcCheckpoint.Kind.LN2B,
                    LlmcCheckpoint.Kind.FCW, LlmcCheckpoint.Kind.FCB, LlmcCheckpoint.Kind.FCPROJW, LlmcCheckpoint.Kind.FCPROJB};
            for (int k = 0; k < kinds.length; k++)
                copy(ck, kinds[k].name().toLowerCase(Locale.ROOT) + "[" + l + "]", ck.layer(kinds[k], l), ck.layerShape(kinds[k]), dst, offsets[k]);
        }
        copy(ck, "lnfw", ck.tensor(LlmcCheckpoint.Kind.LNFW), ck.shape(LlmcCheckpoint.Kind.LNFW), dst, p.lnfWeight());
        copy(ck, "lnfb", ck.tensor(LlmcCheckpoint.Kind.LNFB), ck.shape(LlmcCheckpoint.Kind.LNFB), dst, p.lnfBias());
        String fmt = "llm.c v" + ck.version() + (ck.dtype() == DType.BF16 ? " (bfloat16)" : " (float32)")
                + (h.paddedVocabSize() > h.vocabSize() ? ", " + (h.paddedVocabSize() - h.vocabSize()) + " padded vocabulary rows dropped" : "");
        return new LoadedModel(model, file, fmt, r.describe(), Map.of(), System.nanoTime() - start);
    }

    private static void copy(LlmcCheckpoint ck, String what, MemorySegment src, long[] shape, MemorySegment dst, int flatOffset)
            throws WeightFormatException {
        TensorInfo info = new TensorInfo(what, ck.dtype(), shape, 0, src.byteSize());
        TensorCodec.readFloatsInto(ck.path(), info, src, dst, 4L * flatOffset);
    }

    // ---------------------------------------------------------------- config sources

    private static Map<Field, Value> explicit(LoadOptions opts) {
        Map<Field, Value> m = new EnumMap<>(Field.class);
        if (opts.heads() != null) m.put(Field.HEADS, new Value(opts.heads(), "the command line", "--heads"));
        return m;
    }

    /** A config.json in Hugging Face GPT-2 form ({@code n_embd, n_head, ...}) or the book's ({@code emb_dim, n_heads, ...}). */
    static Map<Field, Value> readConfigJson(Path file) throws IOException {
        JsonNode root = Json.parseObject(file, Json.readFile(file, "config"), "config");
        String src = file.getFileName().toString();
        Map<Field, Value> m = new EnumMap<>(Field.class);
        if (root.has("n_embd")) {
            HfConfig hf = HfConfig.read(file);
            if (Math.abs(hf.layerNormEpsilon() - 1e-5) > 1e-9)
                throw WeightFormatException.of(file, "layer_norm_epsilon = " + hf.layerNormEpsilon() + " is not supported (the kernels use 1e-5)");
            m.put(Field.VOCAB, new Value(hf.vocabSize(), src, "vocab_size"));
            m.put(Field.CONTEXT, new Value(hf.nPositions(), src, root.has("n_positions") ? "n_positions" : "n_ctx"));
            m.put(Field.EMBED, new Value(hf.nEmbd(), src, "n_embd"));
            m.put(Field.LAYERS, new Value(hf.nLayer(), src, "n_layer"));
            m.put(Field.HEADS, new Value(hf.nHead(), src, "n_head"));
        } else if (root.has("emb_dim")) {
            for (Field f : Field.values()) {
                JsonNode n = root.get(f.bookKey);
                if (n == null || n.isNull()) continue;
                if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() <= 0)
                    throw WeightFormatException.of(file, "key '" + f.bookKey + "' is not a positive integer: " + Json.brief(n));
                m.put(f, new Value(n.intValue(), src, f.bookKey));
            }
        } else {
            throw WeightFormatException.of(file, "is neither a Hugging Face GPT-2 config (n_embd, n_head, n_layer, ...) "
                    + "nor a book-style config (emb_dim, n_heads, n_layers, ...)");
        }
        return m;
    }

    /** The book's keys in safetensors metadata (fixtures and tornado-gpt checkpoints write them); all optional. */
    private static Map<Field, Value> fromMetadata(Path file, Map<String, String> metadata) throws WeightFormatException {
        // a tornado-gpt checkpoint keeps the model's keys under "model." (beside "tokenizer." and "train.")
        Map<String, String> md = Checkpoint.isCheckpoint(metadata) ? Checkpoint.withPrefix(metadata, Checkpoint.MODEL_PREFIX) : metadata;
        Map<Field, Value> m = new EnumMap<>(Field.class);
        for (Field f : Field.values()) {
            String v = md.get(f.bookKey);
            if (v == null) continue;
            int x;
            try {
                x = Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                throw WeightFormatException.of(file, "metadata '" + f.bookKey + "' is not an integer: '" + v + "'");
            }
            if (x <= 0) throw WeightFormatException.of(file, "metadata '" + f.bookKey + "' must be positive, got " + x);
            m.put(f, new Value(x, "the metadata of " + file.getFileName(), f.bookKey));
        }
        return m;
    }

    // ---------------------------------------------------------------- resolution

    private static final class Resolved {
        int vocab, context, embed, layers, heads;
        Value layersFrom; // non-null when a source gave the layer count
        final List<String> from = new ArrayList<>();

        GptConfig config(Path file, String shapeNote, boolean qkvBias, boolean tied) throws WeightFormatException {
            if (layers > 0 && embed % heads != 0)
                throw WeightFormatException.of(file, "n_heads = " + heads + " does not divide the embedding size " + embed + " (" + shapeNote + ")");
            try {
                return new GptConfig(vocab, context, embed, heads, layers, qkvBias, tied);
            } catch (IllegalArgumentException e) {
                throw WeightFormatException.of(file, e.getMessage());
            }
        }

        String describe() {
            return String.join(", ", from);
        }
    }

    private static Resolved resolve(Path file, List<Map<Field, Value>> sources, Map<Field, Fact> facts) throws WeightFormatException {
        Resolved r = new Resolved();
        for (Field f : Field.values()) {
            Value chosen = null;
            for (Map<Field, Value> s : sources) {
                if (s.containsKey(f)) {
                    chosen = s.get(f);
                    break;
                }
            }
            Fact fact = facts.get(f);
            int v;
            if (chosen != null) {
                if (fact != null && fact.value() != chosen.value() && f != Field.LAYERS)
                    throw WeightFormatException.of(file, fact.what() + ", which contradicts " + chosen.describe());
                v = chosen.value();
                r.from.add(f.bookKey + " " + v + " from " + chosen.source());
                if (f == Field.LAYERS) r.layersFrom = chosen;
            } else if (fact != null) {
                v = fact.value();
                r.from.add(f.bookKey + " " + v + " from the tensors");
            } else { // heads: not visible in shapes
                Integer known = knownHeads(r.embed, r.layers);
                if (known == null)
                    throw WeightFormatException.of(file, "the number of attention heads cannot be inferred from the tensor shapes (C = " + r.embed
                            + ", L = " + r.layers + " is not a known GPT-2 size) and no config gives it; pass --heads N or put config.json beside the weights");
                v = known;
                r.from.add("n_heads " + v + " from the known GPT-2 sizes");
            }
            switch (f) {
                case VOCAB -> r.vocab = v;
                case CONTEXT -> r.context = v;
                case EMBED -> r.embed = v;
                case LAYERS -> r.layers = v;
                case HEADS -> r.heads = v;
            }
        }
        return r;
    }
}
