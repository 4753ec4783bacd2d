package org.tornadogpt.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.tornadogpt.data.DatasetException;
import org.tornadogpt.data.Split;
import org.tornadogpt.data.SplitRatios;
import org.tornadogpt.data.TokenizedSplits;
import org.tornadogpt.report.AtomicFile;
import org.tornadogpt.tokenizer.CharTokenizer;
import org.tornadogpt.tokenizer.Gpt2Tokenizer;
import org.tornadogpt.tokenizer.Tokenizer;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Writes the token ids that {@code train} would train and validate on, one comma-separated file per
 * split: the text is split by characters first and each part tokenized on its own, exactly as
 * {@code train --split} does. Other tools (the PyTorch reference run, llm.c-style loaders) can
 * then train on the very same ids.
 */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Write the token ids of a text's train/validation(/test) splits as comma-separated files, as train splits them.",
        footer = {"", "Example: tornado-gpt tokenize --text the-verdict.txt --out runs/verdict-ids",
                "  writes runs/verdict-ids.train.ids and runs/verdict-ids.val.ids (GPT-2 BPE, 90/10 by characters)"})
public final class TokenizeCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--text", required = true, paramLabel = "FILE", description = "UTF-8 text to tokenize.")
    Path text;

    @Option(names = "--tokenizer", paramLabel = "gpt2|char", defaultValue = "gpt2",
            description = "gpt2 (BPE, 50257 ids) or char (vocabulary = the text's characters, as train builds it). Default: gpt2.")
    String tokenizer;

    @Option(names = "--split", paramLabel = "SHARES", defaultValue = "0.9",
            description = "Train share (rest validation), or train,val,test shares, by characters, as train's --split. Default: 0.9.")
    String split;

    @Option(names = "--out", required = true, paramLabel = "PREFIX",
            description = "Output prefix: writes PREFIX.train.ids, PREFIX.val.ids (and PREFIX.test.ids for a three-way split).")
    Path out;

    @Override
    public Integer call() throws IOException {
        SplitRatios ratios;
        try {
            ratios = SplitRatios.parse(split);
        } catch (DatasetException e) {
            throw new ParameterException(spec.commandLine(), "--split: " + e.getMessage());
        }
        if (!tokenizer.equals("gpt2") && !tokenizer.equals("char")) {
            throw new ParameterException(spec.commandLine(), "unknown --tokenizer '" + tokenizer + "'; use gpt2 or char");
        }
        String content = TrainCommand.readText(text);
        Tokenizer tok = switch (tokenizer) {
            case "gpt2" -> Gpt2Tokenizer.get();
            case "char" -> CharTokenizer.fromText(content);
            default -> throw new ParameterException(spec.commandLine(), "unknown --tokenizer '" + tokenizer + "'; use gpt2 or char");
        };
        TokenizedSplits ids = TokenizedSplits.of(content, ratios, tok);
        List<Split> splits = new ArrayList<>(List.of(Split.TRAIN, Split.VAL));
        if (ids.test().length > 0) {
            splits.add(Split.TEST);
        }
        PrintWriter o = spec.commandLine().getOut();
        for (Split s : splits) {
            Path file = Path.of(out + "." + s.name().toLowerCase(java.util.Locale.ROOT) + ".ids");
            write(file, ids.ids(s));
            o.printf("%s: %d tokens -> %s%n", s.name().toLowerCase(java.util.Locale.ROOT), ids.ids(s).length, file);
        }
        o.flush();
        return 0;
    }

    /** Writes the ids comma-separated, through a temporary file renamed into place (an existing file is never left half-written). */
    static void write(Path file, int[] ids) throws IOException {
        StringBuilder sb = new StringBuilder(ids.length * 6);
        for (int i = 0; i < ids.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(ids[i]);
        }
        sb.append('\n');
        AtomicFile.replace(file, tmp -> Files.writeString(tmp, sb, StandardCharsets.US_ASCII));
    }
}
