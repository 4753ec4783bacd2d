package org.tornadogpt.cli;

import java.io.IOException;
import java.nio.file.Path;

import org.tornadogpt.Gpt;
import org.tornadogpt.weights.LoadOptions;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Which weights to load and how (shared by commands that run a model). */
public final class ModelOptions {

    @Option(names = {"-w", "--weights"}, required = true, paramLabel = "PATH",
            description = "Weights: a Hugging Face model.safetensors (config.json beside it is read), a model.safetensors.index.json "
                    + "(sharded), a directory holding either, the book's GPTModel saved as safetensors, or an llm.c gpt2_*.bin.")
    Path weights;

    @Option(names = "--heads", paramLabel = "N",
            description = "Number of attention heads, when neither config.json nor the file says and the size is not a known GPT-2 size.")
    Integer heads;

    @Option(names = "--config", paramLabel = "FILE", description = "A config.json to use instead of the one beside the weights.")
    Path config;

    @Mixin
    BackendOptions backend = new BackendOptions();

    LoadOptions loadOptions() {
        return new LoadOptions(heads, config);
    }

    /** Loads the model onto the chosen backend. */
    Gpt load() throws IOException {
        return Gpt.load(weights, loadOptions(), backend.create(), true);
    }
}
