package org.tornadogpt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tornadogpt.Gpt;
import org.tornadogpt.eval.Evaluator;
import org.tornadogpt.testutil.RandomModels;
import org.tornadogpt.tokenizer.Gpt2Tokenizer;

/** {@code tornado-gpt eval} over a text file agrees with the library. */
class EvalCommandTest {
    @TempDir
    Path dir;

    static Map<String, String> fields(String out) {
        Map<String, String> m = new HashMap<>();
        for (String line : out.split("\\R")) {
            int sp = line.indexOf(' ');
            if (sp > 0) m.put(line.substring(0, sp), line.substring(sp).strip());
        }
        return m;
    }

    @Test
    void lossAndPerplexityOfATextFile() throws IOException {
        Path weights = RandomModels.writeHf(RandomModels.TINY_GPT2_VOCAB, 11, dir.resolve("m"));
        String text = "I HAD always thought Jack Gisburn rather a cheap genius--though a good fellow enough--so it was no great surprise "
                + "to me to hear that, in the height of his glory, he had dropped his painting, married a rich widow, and established "
                + "himself in a villa on the Riviera.\n";
        Path file = Files.writeString(dir.resolve("verdict.txt"), text);
        int n = Gpt2Tokenizer.get().encode(text).length;
        Cli r = Cli.run("eval", "--weights", weights.toString(), "--text", file.toString());
        assertEquals(0, r.code(), r.toString());
        Map<String, String> f = fields(r.out());
        double loss = Double.parseDouble(f.get("loss"));
        double ppl = Double.parseDouble(f.get("perplexity"));
        assertEquals(Math.exp(loss), ppl, 1e-3 * ppl);
        int windows = (n - 1 + 31) / 32;
        assertTrue(f.get("text").contains(n + " tokens, " + windows + " windows of up to 32"), r.out());
        assertTrue(f.get("tokens/s").contains((n - 1) + " predicted tokens"), r.out());
        // a random model is close to uniform over 50257 tokens: loss near ln(50257) = 10.82
        assertEquals(Math.log(50257), loss, 0.1);
        try (Gpt gpt = Gpt.load(weights)) {
            Evaluator.Result lib = gpt.evaluate(text);
            assertEquals(lib.loss(), loss, 1e-6);
            assertEquals(lib.loss(), gpt.loss(gpt.encode(text)), 0);
        }
        Cli shortCtx = Cli.run("eval", "--weights", weights.toString(), "--text", file.toString(), "--context", "8", "--max-tokens", "20");
        assertEquals(0, shortCtx.code(), shortCtx.toString());
        assertTrue(fields(shortCtx.out()).get("text").contains("20 tokens, 3 windows of up to 8"), shortCtx.out());
    }

    @Test
    void errorsAreOneLine() throws IOException {
        Path weights = RandomModels.writeHf(RandomModels.TINY_GPT2_VOCAB, 11, dir.resolve("m"));
        Cli missing = Cli.run("eval", "--weights", weights.toString(), "--text", dir.resolve("none.txt").toString());
        assertEquals(1, missing.code(), missing.toString());
        assertEquals(1, missing.errLines().length, missing.toString());
        assertTrue(missing.errLines()[0].startsWith("tornado-gpt: ") && missing.errLines()[0].contains("none.txt: file not found"), missing.toString());
        Path one = Files.writeString(dir.resolve("one.txt"), "Hi");
        Cli tooShort = Cli.run("eval", "--weights", weights.toString(), "--text", one.toString());
        assertEquals(2, tooShort.code(), tooShort.toString());
        assertTrue(tooShort.errLines()[0].contains("at least 2 are needed"), tooShort.toString());
        Cli ctx = Cli.run("eval", "--weights", weights.toString(), "--text", one.toString(), "--context", "33");
        assertEquals(2, ctx.code(), ctx.toString());
        assertTrue(ctx.errLines()[0].contains("--context must be in [1, 32]"), ctx.toString());
    }
}
