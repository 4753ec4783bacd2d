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
}
