package org.tornadogpt.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.tornadogpt.Gpt;
import org.tornadogpt.TokenListener;
import org.tornadogpt.sample.GenerationConfig;
import org.tornadogpt.sample.Generator;
import org.tornadogpt.sample.SamplerConfig;
import org.tornadogpt.tokenizer.Tokenizer;
import org.tornadogpt.weights.LoadedModel;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code tornado-gpt generate}: text (or token ids) from a prompt, streamed as it is produced. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Continue a prompt with a GPT-2 style model, printing the text as it is generated.",
                "Greedy with --temperature 0; otherwise sampled (seeded by --seed) after the top-k, min-p and top-p filters.",
                "With the KV cache (default) the prompt is run once and every new token costs one position; when the text outgrows "
                        + "the context length only the last context-length tokens are used (the book's sliding window)."},
        footer = {"%nExamples:",
                "  tornado-gpt generate -w gpt2/model.safetensors --prompt \"Every effort moves you\" --max-new-tokens 40 --temperature 0.8 --top-k 40",
                "  tornado-gpt generate -w gpt2_124M.bin --prompt-ids 15496,11,314,1101 --temperature 0 --ids"})
public final class GenerateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model = new ModelOptions();

    static final class Prompt {
        @Option(names = {"-p", "--prompt"}, paramLabel = "TEXT", description = "The prompt text, encoded with the checkpoint's tokenizer, else GPT-2's.")
        String text;

        @Option(names = "--prompt-ids", paramLabel = "IDS", split = ",", description = "The prompt as token ids, e.g. 15496,11,314.")
        int[] ids;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Prompt prompt;

    @Option(names = {"-n", "--max-new-tokens"}, paramLabel = "N", defaultValue = "100", description = "Tokens to generate at most (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = {"-t", "--temperature"}, paramLabel = "T", defaultValue = "1.0",
            description = "Sampling temperature; 0 is greedy (argmax) decoding (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "0", description = "Sample only from the K most likely tokens; 0 is off (default).")
    int topK;

    @Option(names = "--top-p", paramLabel = "P", defaultValue = "1.0",
            description = "Sample only from the smallest set of most likely tokens whose probability reaches P; 1 is off (default).")
    double topP;

    @Option(names = "--min-p", paramLabel = "P", defaultValue = "0.0",
            description = "Drop tokens less likely than P times the most likely one; 0 is off (default).")
    double minP;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the random draws (default: a new one each run, shown with --stats).")
    Long seed;

    @Option(names = "--eos-id", paramLabel = "ID", defaultValue = "50256", description = "Stop after this token (default: ${DEFAULT-VALUE}, GPT-2's <|endoftext|>).")
    int eosId;

    @Option(names = "--no-eos", description = "Never stop early: always generate --max-new-tokens tokens.")
    boolean noEos;

    @Option(names = "--no-kv-cache", description = "Run the whole context again for every token (the book's generate) instead of using the KV cache.")
    boolean noKvCache;

    @Option(names = "--ids", description = "Print token ids instead of text: the whole sequence, prompt ids first, then the new ones, "
            + "as one comma-separated line.")
    boolean ids;

    @Option(names = "--stats", description = "Print load time, tokens/s and peak memory to stderr at the end.")
    boolean stats;

    @Override
    public Integer call() throws Exception {
        if (maxNewTokens < 0) throw new ParameterException(spec.commandLine(), "--max-new-tokens must not be negative, got " + maxNewTokens);
        SamplerConfig sc;
        long s = seed != null ? seed : System.nanoTime() ^ 0x5DEECE66DL;
        try {
            sc = new SamplerConfig(temperature, topK, topP, minP, s);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        GenerationConfig gc = new GenerationConfig(maxNewTokens, noEos ? -1 : eosId, !noKvCache, sc);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (Gpt gpt = model.load()) {
            Tokenizer tok = gpt.tokenizer().orElse(null);
            int[] promptIds;
            if (prompt != null && prompt.text != null) {
                if (tok == null) throw noTokenizer(gpt, "--prompt");
                promptIds = tok.encode(prompt.text);
                if (promptIds.length == 0) throw new ParameterException(spec.commandLine(), "--prompt is empty");
            } else if (prompt != null && prompt.ids != null) {
                promptIds = prompt.ids;
                if (promptIds.length == 0) throw new ParameterException(spec.commandLine(), "--prompt-ids is empty");
            } else {
                int eos = tok != null ? tok.eosId() : -1;
                if (eos < 0 || eos >= gpt.config().vocabSize())
                    throw new ParameterException(spec.commandLine(), "give a prompt with --prompt TEXT or --prompt-ids IDS");
                promptIds = new int[] {eos}; // unconditional: start from <|endoftext|>, as GPT-2 does
            }
            for (int i = 0; i < promptIds.length; i++) {
                if (promptIds[i] < 0 || promptIds[i] >= gpt.config().vocabSize())
                    throw new ParameterException(spec.commandLine(), "prompt token id " + promptIds[i] + " is outside the model's vocabulary [0, "
                            + gpt.config().vocabSize() + ")");
            }
            if (!ids && tok == null) throw noTokenizer(gpt, "text output");

            TokenListener listener;
            if (ids) {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < promptIds.length; i++) sb.append(i == 0 ? "" : ",").append(promptIds[i]);
                out.print(sb);
                out.flush();
                listener = (id, text) -> {
                    out.print("," + id);
                    out.flush();
                };
            } else {
                out.print(prompt != null && prompt.text != null ? prompt.text : promptIds.length == 1 && promptIds[0] == tok.eosId() ? "" : tok.decode(promptIds));
                out.flush();
                listener = new TokenListener() {
                    @Override
                    public void onToken(int id, String text) {
                        if (!text.isEmpty()) {
                            out.print(text);
                            out.flush();
                        }
                    }

                    @Override
                    public void onFinish(String rest) {
                        out.print(rest);
                    }
                };
            }
            gpt.generate(promptIds, gc, listener);
            out.println();
            out.flush();
            if (stats || spec.root().userObject() instanceof Main m && m.verbose) printStats(err, gpt, sc);
        }
        return 0;
    }

    static String describe(SamplerConfig sc) {
        if (sc.isGreedy()) return "greedy";
        return String.format(Locale.ROOT, "temperature %s, top-k %s, top-p %s, min-p %s, seed %d", sc.temperature(),
                sc.topK() > 0 ? Integer.toString(sc.topK()) : "off", sc.topP() < 1 ? Double.toString(sc.topP()) : "off",
                sc.minP() > 0 ? Double.toString(sc.minP()) : "off", sc.seed());
    }

    private ParameterException noTokenizer(Gpt gpt, String what) {
        return new ParameterException(spec.commandLine(), "the model's vocabulary has " + gpt.config().vocabSize()
                + " tokens, not GPT-2's 50257, so there is no tokenizer for " + what + "; use --prompt-ids and --ids");
    }

    private static void printStats(PrintWriter err, Gpt gpt, SamplerConfig sc) {
        Generator.Stats st = gpt.lastGenerationStats();
        LoadedModel lm = gpt.loaded().orElseThrow();
        err.printf(Locale.ROOT, "model: %s, %s, loaded in %.2f s from %s%n", gpt.config(), lm.format(), lm.loadNanos() / 1e9, lm.source());
        err.printf(Locale.ROOT, "backend: %s; sampler: %s%n", gpt.backend().description(), describe(sc));
        err.printf(Locale.ROOT, "prompt %d tokens, %d new tokens in %.2f s: %.2f tokens/s (first token after %.0f ms, then %.2f tokens/s); "
                        + "%d prefill/context runs, %d decode steps; %s%n",
                st.promptTokens(), st.newTokens(), st.totalNanos() / 1e9, st.tokensPerSecond(), st.firstTokenNanos() / 1e6,
                st.decodeTokensPerSecond(), st.prefills(), st.decodeSteps(), ProcessStats.memory());
        err.flush();
    }
}
