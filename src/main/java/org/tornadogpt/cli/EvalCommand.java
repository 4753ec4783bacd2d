package org.tornadogpt.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.tornadogpt.Gpt;
import org.tornadogpt.data.TextFiles;
import org.tornadogpt.eval.Evaluator;
import org.tornadogpt.weights.LoadedModel;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code tornado-gpt eval}: mean cross-entropy and perplexity of a model over a text file. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Mean cross-entropy loss and perplexity of a model over a UTF-8 text file.",
                "The tokens are cut into consecutive windows of the context length (stride = context); every token after the first "
                        + "is predicted once from the tokens before it in its window."},
        footer = {"%nExample:", "  tornado-gpt eval -w gpt2/model.safetensors --text the-verdict.txt"})
public final class EvalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model = new ModelOptions();

    @Option(names = "--text", required = true, paramLabel = "FILE", description = "The UTF-8 text to evaluate.")
    Path text;

    @Option(names = "--context", paramLabel = "T", description = "Window length in tokens (default: the model's context length).")
    Integer context;

    @Option(names = "--max-tokens", paramLabel = "N", description = "Evaluate only the first N tokens of the text.")
    Integer maxTokens;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        String content = TextFiles.read(text);
        try (Gpt gpt = model.load()) {
            if (gpt.tokenizer().isEmpty())
                throw new ParameterException(spec.commandLine(), "the model's vocabulary has " + gpt.config().vocabSize()
                        + " tokens, not GPT-2's 50257: there is no tokenizer for its text");
            int ctx = context == null ? gpt.config().contextLength() : context;
            if (ctx < 1 || ctx > gpt.config().contextLength())
                throw new ParameterException(spec.commandLine(), "--context must be in [1, " + gpt.config().contextLength() + "], got " + ctx);
            int[] tokens = gpt.encode(content);
            if (maxTokens != null) {
                if (maxTokens < 2) throw new ParameterException(spec.commandLine(), "--max-tokens must be at least 2, got " + maxTokens);
                tokens = Arrays.copyOf(tokens, Math.min(tokens.length, maxTokens));
            }
            if (tokens.length < 2)
                throw new ParameterException(spec.commandLine(), text + " has " + tokens.length + " token" + (tokens.length == 1 ? "" : "s")
                        + "; at least 2 are needed");
            Evaluator.Result r = gpt.evaluate(tokens, ctx);
            LoadedModel lm = gpt.loaded().orElseThrow();
            out.printf(Locale.ROOT, "model       %s (%s)%n", gpt.config(), lm.format());
            out.printf(Locale.ROOT, "text        %s: %d tokens, %d window%s of up to %d%n", text, tokens.length, r.windows(), r.windows() == 1 ? "" : "s", ctx);
            out.printf(Locale.ROOT, "loss        %.6f%n", r.loss());
            out.printf(Locale.ROOT, "perplexity  %.4f%n", r.perplexity());
            out.printf(Locale.ROOT, "tokens/s    %.1f (%d predicted tokens in %.2f s; load %.2f s; %s)%n",
                    r.tokensPerSecond(), r.tokens(), r.nanos() / 1e9, lm.loadNanos() / 1e9, ProcessStats.memory());
            out.flush();
        }
        return 0;
    }
}
