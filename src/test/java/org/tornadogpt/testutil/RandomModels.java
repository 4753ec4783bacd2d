package org.tornadogpt.testutil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

import org.tornadogpt.model.GptConfig;
import org.tornadogpt.model.GptModel;
import org.tornadogpt.weights.HfExport;

/** Small randomly initialised models written in the Hugging Face layout, for tests that need GPT-2's vocabulary. */
public final class RandomModels {
    private RandomModels() {}

    /** GPT-2's 50257-token vocabulary, context 32, C = 16, 2 heads, 2 layers. */
    public static final GptConfig TINY_GPT2_VOCAB = GptConfig.gpt2(50257, 32, 16, 2, 2);

    /** Writes {@code dir/model.safetensors} + {@code dir/config.json}; returns the weights file. */
    public static Path writeHf(GptConfig cfg, long seed, Path dir) {
        try {
            return HfExport.write(new GptModel(cfg).initialize(seed), dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
