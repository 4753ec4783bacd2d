package org.tornadogpt.examples;

import java.nio.file.Path;

import org.tornadogpt.Gpt;
import org.tornadogpt.eval.Evaluator;
import org.tornadogpt.sample.GenerationConfig;
import org.tornadogpt.sample.SamplerConfig;

/** The README's "Library use" example (kept here so that it compiles and is run by LibraryExampleTest). */
public class LibraryExample {
    public static void main(String[] args) throws Exception {
        try (Gpt gpt = Gpt.load(Path.of(args[0]))) {             // model.safetensors, a directory, an llm.c .bin, a checkpoint
            System.err.println("loaded " + gpt.config());

            // sample 40 tokens: temperature 0.8, top-k 40, seed 123; text is streamed as it is produced
            GenerationConfig gc = GenerationConfig.greedy(40)
                    .withSampler(SamplerConfig.of(0.8, 123).withTopK(40));
            String text = gpt.generate("Every effort moves you", gc, (id, piece) -> System.out.print(piece));
            System.out.println();

            // greedy decoding on token ids, without stopping at <|endoftext|>
            int[] ids = gpt.generate(gpt.encode("Every effort moves you"), GenerationConfig.greedy(10).withoutEos());
            System.out.println(java.util.Arrays.toString(ids));

            // loss and perplexity of a text (windows of the context length)
            Evaluator.Result r = gpt.evaluate("Every effort moves you forward, and every step counts.");
            System.out.printf("loss %.4f, perplexity %.2f, %d chars generated%n", r.loss(), r.perplexity(), text.length());
        }
    }
}
