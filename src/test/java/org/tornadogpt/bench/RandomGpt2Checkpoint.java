package org.tornadogpt.bench;

import java.nio.file.Path;
import java.util.Locale;

import org.tornadogpt.model.GptConfig;
import org.tornadogpt.model.GptModel;
import org.tornadogpt.weights.HfExport;

/**
 * Writes a randomly initialised GPT-2 of a preset size (default 124M) in the Hugging Face layout:
 * {@code DIR/model.safetensors} + {@code DIR/config.json}. For the generation benchmark
 * ({@code scripts/bench-generate}); the file is not committed.
 *
 * <pre>java -cp target/test-classes:target/classes:DEPS org.tornadogpt.bench.RandomGpt2Checkpoint DIR [PRESET] [SEED]</pre>
 */
public final class RandomGpt2Checkpoint {
    private RandomGpt2Checkpoint() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: RandomGpt2Checkpoint DIR [PRESET (124M)] [SEED (1)]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        GptConfig cfg = GptConfig.preset(args.length > 1 ? args[1] : "124M");
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 1;
        long t0 = System.nanoTime();
        GptModel m = new GptModel(cfg).initialize(seed);
        Path f = HfExport.write(m, dir);
        System.err.printf(Locale.ROOT, "wrote %s (%s, seed %d) in %.1f s%n", f, cfg, seed, (System.nanoTime() - t0) / 1e9);
    }
}
