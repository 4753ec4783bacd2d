package org.tornadogpt.weights;

import java.nio.file.Path;

/**
 * Explicit settings for {@link ModelLoader}; they win over everything read from files.
 *
 * @param heads      number of attention heads, or null to take it from config.json, the file's
 *                   metadata or the known GPT-2 sizes (it cannot be inferred from tensor shapes)
 * @param configFile a config.json to use instead of the one beside the weights, or null
 */
public record LoadOptions(Integer heads, Path configFile) {

    public LoadOptions {
        if (heads != null && heads <= 0) throw new IllegalArgumentException("head count must be positive, got " + heads);
    }

    public static LoadOptions defaults() {
        return new LoadOptions(null, null);
    }

    public LoadOptions withHeads(Integer h) {
        return new LoadOptions(h, configFile);
    }

    public LoadOptions withConfigFile(Path p) {
        return new LoadOptions(heads, p);
    }
}
