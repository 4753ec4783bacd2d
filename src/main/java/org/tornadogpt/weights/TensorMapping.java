package org.tornadogpt.weights;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import org.tornadogpt.model.GptConfig;
import org.tornadogpt.model.ParameterLayout;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * How the tensors of an external naming scheme map onto the internal {@link ParameterLayout}.
 *
 * <ul>
 * <li>{@link Scheme#HF}: Hugging Face GPT-2 names ({@code wte.weight}, {@code h.0.attn.c_attn.weight},
 * ...; an optional {@code transformer.} prefix is accepted when loading). Conv1D matrices are stored
 * {@code [in, out]} and are transposed into the internal {@code [out, in]}.</li>
 * <li>{@link Scheme#SCRATCH}: the book's {@code GPTModel} names ({@code tok_emb.weight},
 * {@code trf_blocks.0.att.W_query.weight}, ...), nn.Linear {@code [out, in]}; W_query/W_key/W_value
 * fill the three row blocks of the internal fused q/k/v matrix.</li>
 * </ul>
 */
public final class TensorMapping {

    public enum Scheme { HF, SCRATCH }

    /**
     * One external tensor: its name and shape, the internal tensor it fills, the element offset
     * inside that tensor where it starts, and whether it is stored transposed.
     */
    public record Entry(String external, int[] shape, String internal, int offsetInInternal, boolean transposed) {
        public int size() {
            int n = 1;
            for (int d : shape) n *= d;
            return n;
        }
    }

    private final GptConfig config;
    private final ParameterLayout layout;
    private final Scheme scheme;
    private final List<Entry> entries = new ArrayList<>();

    public TensorMapping(GptConfig cfg, Scheme scheme) {
        this.config = cfg;
        this.layout = new ParameterLayout(cfg);
        this.scheme = scheme;
        int V = cfg.vocabSize(), T = cfg.contextLength(), C = cfg.embDim();
        if (scheme == Scheme.HF) {
            same("wte.weight", "wte", V, C);
            same("wpe.weight", "wpe", T, C);
            for (int l = 0; l < cfg.nLayers(); l++) {
                String e = "h." + l + ".", i = "h." + l + ".";
                same(e + "ln_1.weight", i + "ln1.weight", C);
                same(e + "ln_1.bias", i + "ln1.bias", C);
                transposed(e + "attn.c_attn.weight", i + "attn.qkv.weight", C, 3 * C);
                if (cfg.qkvBias()) same(e + "attn.c_attn.bias", i + "attn.qkv.bias", 3 * C);
                transposed(e + "attn.c_proj.weight", i + "attn.proj.weight", C, C);
                same(e + "attn.c_proj.bias", i + "attn.proj.bias", C);
                same(e + "ln_2.weight", i + "ln2.weight", C);
                same(e + "ln_2.bias", i + "ln2.bias", C);
                transposed(e + "mlp.c_fc.weight", i + "mlp.fc.weight", C, 4 * C);
                same(e + "mlp.c_fc.bias", i + "mlp.fc.bias", 4 * C);
                transposed(e + "mlp.c_proj.weight", i + "mlp.proj.weight", 4 * C, C);
                same(e + "mlp.c_proj.bias", i + "mlp.proj.bias", C);
            }
            same("ln_f.weight", "lnf.weight", C);
            same("ln_f.bias", "lnf.bias", C);
            if (!cfg.tiedHead()) same("lm_head.weight", "lm_head", V, C);
        } else {
            same("tok_emb.weight", "wte", V, C);
            same("pos_emb.weight", "wpe", T, C);
            for (int l = 0; l < cfg.nLayers(); l++) {
                String e = "trf_blocks." + l + ".", i = "h." + l + ".";
                same(e + "norm1.scale", i + "ln1.weight", C);
                same(e + "norm1.shift", i + "ln1.bias", C);
                String[] qkv = {"W_query", "W_key", "W_value"};
                for (int k = 0; k < 3; k++) {
                    entries.add(new Entry(e + "att." + qkv[k] + ".weight", new int[] {C, C}, i + "attn.qkv.weight", k * C * C, false));
                    if (cfg.qkvBias())
                        entries.add(new Entry(e + "att." + qkv[k] + ".bias", new int[] {C}, i + "attn.qkv.bias", k * C, false));
                }
                same(e + "att.out_proj.weight", i + "attn.proj.weight", C, C);
                same(e + "att.out_proj.bias", i + "attn.proj.bias", C);
                same(e + "norm2.scale", i + "ln2.weight", C);
                same(e + "norm2.shift", i + "ln2.bias", C);
                same(e + "ff.layers.0.weight", i + "mlp.fc.weight", 4 * C, C);
                same(e + "ff.layers.0.bias", i + "mlp.fc.bias", 4 * C);
                same(e + "ff.layers.2.weight", i + "mlp.proj.weight", C, 4 * C);
                same(e + "ff.layers.2.bias", i + "mlp.proj.bias", C);
            }
            same("final_norm.scale", "lnf.weight", C);
            same("final_norm.shift", "lnf.bias", C);
            if (!cfg.tiedHead()) same("out_head.weight", "lm_head", V, C);
        }
    }

    private void same(String ext, String internal, int... shape) {
        entries.add(new Entry(ext, shape, internal, 0, false));
    }

    private void transposed(String ext, String internal, int... shape) {
        entries.add(new Entry(ext, shape, internal, 0, true));
    }

    public GptConfig config() { return config; }

    public ParameterLayout layout() { return layout; }

    public Scheme scheme() { return scheme; }

    public List<Entry> entries() { return Collections.unmodifiableList(entries); }

    /** The entry for an external name. */
    public Entry entry(String external) {
        for (Entry e : entries) if (e.external().equals(external)) return e;
        throw new IllegalArgumentException("no tensor named '" + external + "' in the " + scheme + " layout");
    }

    /** Element offset of an entry's first element in the flat buffer. */
    public int flatOffset(Entry e) {
        return layout.tensor(e.internal()).offset() + e.offsetInInternal();
    }

    /**
     * Fills {@code dst} (the flat parameter buffer) from {@code src}, checking that every tensor
     * exists with the expected shape. {@code prefix} is prepended to every external name
     * (e.g. {@code "transformer."}); errors name the file and tensor.
     */
    public void load(TensorSource src, String prefix, FloatArray dst) throws IOException {
        if (dst.getSize() != layout.size())
            throw new IllegalArgumentException("parameter buffer has " + dst.getSize() + " floats, the layout needs " + layout.size());
        for (Entry e : entries) {
            String name = prefix + e.external();
            Path file = src.fileOf(name); // throws naming the tensor when missing
            TensorInfo info = src.info(name);
            long[] want = Arrays.stream(e.shape()).asLongStream().toArray();
            if (!Arrays.equals(info.shape(), want))
                throw new WeightFormatException(file.getFileName() + ": tensor '" + name + "' has shape " + Arrays.toString(info.shape())
                        + ", the model config " + config + " needs " + Arrays.toString(want));
            long byteOff = 4L * flatOffset(e);
            if (e.transposed()) src.readFloatsTransposedInto(name, dst.getSegment(), byteOff);
            else src.readFloatsInto(name, dst.getSegment(), byteOff);
        }
    }

    /** The values of an entry taken from a flat buffer (parameters or gradients), in the external layout. */
    public float[] external(FloatArray flat, Entry e) {
        int off = flatOffset(e);
        float[] out = new float[e.size()];
        if (!e.transposed()) {
            for (int i = 0; i < out.length; i++) out[i] = flat.get(off + i);
        } else {
            int rows = e.shape()[0], cols = e.shape()[1]; // external [in, out]; internal [out, in] = [cols, rows]
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++) out[r * cols + c] = flat.get(off + c * rows + r);
        }
        return out;
    }
}
