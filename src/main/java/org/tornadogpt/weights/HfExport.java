package org.tornadogpt.weights;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.tornadogpt.model.GptConfig;
import org.tornadogpt.model.GptModel;

/**
 * Writes a model in the Hugging Face GPT-2 layout: {@code model.safetensors} (Conv1D matrices
 * transposed back to {@code [in, out]}, no {@code lm_head.weight} when the head is tied) and a
 * {@code config.json} beside it, as {@code GPT2LMHeadModel.save_pretrained} would. Files are written
 * atomically. The transposed matrices are copied on the heap while writing.
 */
public final class HfExport {
    private HfExport() {}

    /** Writes {@code dir/model.safetensors} and {@code dir/config.json}; returns the weights file. */
    public static Path write(GptModel model, Path dir) throws IOException {
        Files.createDirectories(dir);
        GptConfig cfg = model.config();
        TensorMapping map = new TensorMapping(cfg, TensorMapping.Scheme.HF);
        SafetensorsWriter w = new SafetensorsWriter().putMetadata("format", "pt");
        for (TensorMapping.Entry e : map.entries()) {
            long[] shape = Arrays.stream(e.shape()).asLongStream().toArray();
            if (e.transposed()) {
                w.addFloats(e.external(), shape, map.external(model.params(), e));
            } else {
                long off = 4L * map.flatOffset(e);
                w.add(e.external(), DType.F32, shape, model.params().getSegment().asSlice(off, 4L * e.size()));
            }
        }
        Path weights = dir.resolve("model.safetensors");
        w.writeAtomically(weights);
        ObjectNode c = Json.MAPPER.createObjectNode();
        c.putArray("architectures").add("GPT2LMHeadModel");
        c.put("model_type", "gpt2");
        c.put("vocab_size", cfg.vocabSize());
        c.put("n_positions", cfg.contextLength());
        c.put("n_ctx", cfg.contextLength());
        c.put("n_embd", cfg.embDim());
        c.put("n_layer", cfg.nLayers());
        c.put("n_head", cfg.nHeads());
        c.put("activation_function", "gelu_new");
        c.put("layer_norm_epsilon", 1e-5);
        c.put("bos_token_id", 50256);
        c.put("eos_token_id", 50256);
        c.put("tie_word_embeddings", cfg.tiedHead());
        Path tmp = dir.resolve("config.json.tmp");
        Files.writeString(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(c) + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve("config.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return weights;
    }
}
