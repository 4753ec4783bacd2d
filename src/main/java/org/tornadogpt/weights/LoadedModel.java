package org.tornadogpt.weights;

import java.nio.file.Path;
import java.util.Map;

import org.tornadogpt.model.GptModel;

/**
 * A model read by {@link ModelLoader}.
 *
 * @param model        config, layout and the parameters (off-heap)
 * @param source       the file that was read (the index file of a sharded checkpoint)
 * @param format       {@code "safetensors (Hugging Face)"}, {@code "llm.c v3"}, ...
 * @param configSource where each config value came from, e.g. {@code "n_heads from config.json"}
 * @param metadata     the file's string metadata (empty for llm.c)
 * @param loadNanos    time spent loading
 */
public record LoadedModel(GptModel model, Path source, String format, String configSource,
                          Map<String, String> metadata, long loadNanos) {

    /**
     * The tokenizer description stored with the weights ({@code tokenizer.*} metadata of a tornado-gpt
     * checkpoint, prefix removed), or an empty map.
     */
    public Map<String, String> tokenizerMetadata() {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        metadata.forEach((k, v) -> {
            if (k.startsWith("tokenizer.")) out.put(k.substring("tokenizer.".length()), v);
        });
        return out;
    }
}
