package org.tornadogpt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every input error of {@code train}: one line on stderr starting with "tornado-gpt: ", nothing
 * written; exit status 2 for a command line that asks for the impossible (the line then ends with a
 * --help hint), 1 for files and data that cannot be used.
 */
class TrainCommandErrorsTest {

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
        /** The single stderr line. */
        String line() {
            assertFalse(err.isEmpty(), "expected an error message, stdout was: " + out);
            String[] lines = err.split("\n");
            assertEquals(1, lines.length, "one line on stderr: " + err);
            assertTrue(lines[0].startsWith("tornado-gpt: "), lines[0]);
            return lines[0];
        }
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private Path text(String content) throws IOException {
        Path p = tmp.resolve("input.txt");
        Files.writeString(p, content);
        return p;
    }

    /** A char-level tiny model on the given text, plus extra options. */
    private Run tiny(Path text, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--text", text.toString(), "--tokenizer", "char", "--layers", "1",
                "--heads", "2", "--emb-dim", "8", "--context", "8", "--out", tmp.resolve("out").toString()));
        a.addAll(List.of(extra));
        return run(a.toArray(String[]::new));
    }

    private static final String TEXT = "It had always been his fate to have women say such things of him. ".repeat(20);

    @Test
    void missingFile() {
        Run r = tiny(tmp.resolve("nope.txt"));
        assertEquals(1, r.code());
        assertTrue(r.line().contains("nope.txt: no such file"), r.err());
        assertFalse(Files.exists(tmp.resolve("out")), "no output directory for a failed start");
    }

    @Test
    void emptyFile() throws IOException {
        Run r = tiny(text(""));
        assertEquals(1, r.code());
        assertTrue(r.line().contains("is empty"), r.err());
    }

    @Test
    void notUtf8() throws IOException {
        Path p = tmp.resolve("latin1.txt");
        Files.write(p, "caf\u00e9 ".repeat(100).getBytes(StandardCharsets.ISO_8859_1));
        Run r = tiny(p);
        assertEquals(1, r.code());
        assertTrue(r.line().contains("not valid UTF-8"), r.err());
    }

    @Test
    void directoryInsteadOfFile() {
        Run r = tiny(tmp);
        assertEquals(1, r.code());
        assertTrue(r.line().contains("is a directory"), r.err());
    }

    @Test
    void unknownOption() throws IOException {
        Run r = tiny(text(TEXT), "--learning-rate", "1e-3");
        assertEquals(2, r.code());
        assertEquals("tornado-gpt: unknown option '--learning-rate'; try 'tornado-gpt train --help'", r.line());
    }

    @Test
    void nonPositiveBatchSize() throws IOException {
        Run r = tiny(text(TEXT), "--batch-size", "0");
        assertEquals(2, r.code());
        assertTrue(r.line().contains("--batch-size must be positive, got 0"), r.err());
    }

    @Test
    void nonPositiveLearningRate() throws IOException {
        Run r = tiny(text(TEXT), "--lr", "-1e-3");
        assertEquals(2, r.code());
        assertTrue(r.line().contains("--lr must be positive"), r.err());
        assertEquals(2, tiny(text(TEXT), "--lr", "0").code());
    }

    @Test
    void notANumber() throws IOException {
        Run r = tiny(text(TEXT), "--batch-size", "two");
        assertEquals(2, r.code());
        assertTrue(r.line().contains("--batch-size"), r.err());
    }

    @Test
    void contextLongerThanTheModels() throws IOException {
        Run r = run("train", "--text", text(TEXT).toString(), "--model", "book-124M", "--context", "512", "--out", tmp.resolve("out").toString());
        assertEquals(2, r.code());
        assertTrue(r.line().contains("--context 512 is longer than the model's context length 256"), r.err());
    }

    @Test
    void tooShortSplitGivesTheSanityCheckMessage() throws IOException {
        // 40 characters: the validation tenth has 4 tokens, one window needs 9
        Run r = tiny(text("abcdefghij".repeat(4)));
        assertEquals(1, r.code());
        assertTrue(r.line().contains("validation split has 4 tokens, but one window needs 9 (--context 8 + 1); lower --context or raise the validation share of --split"), r.err());
    }

    @Test
    void unknownTokenizerAndSampling() throws IOException {
        Path t = text(TEXT);
        Run r = run("train", "--text", t.toString(), "--tokenizer", "bpe");
        assertEquals(2, r.code());
        assertTrue(r.line().contains("unknown --tokenizer 'bpe'"), r.err());
        Run s = tiny(t, "--sampling", "shuffled");
        assertEquals(2, s.code());
        assertTrue(s.line().contains("unknown --sampling 'shuffled'; use windows, random"), s.err());
    }

    @Test
    void badSplit() throws IOException {
        Run r = tiny(text(TEXT), "--split", "0.8,0.3");
        assertEquals(2, r.code());
        assertTrue(r.line().contains("must add up to 1"), r.err());
    }

    @Test
    void startContextOutsideTheCharVocabulary() throws IOException {
        Run r = tiny(text(TEXT), "--start-context", "Zebra");
        assertEquals(2, r.code());
        assertTrue(r.line().contains("--start-context cannot be encoded"), r.err());
    }

    @Test
    void missingResumeCheckpoint() {
        Run r = run("train", "--resume", tmp.resolve("ckpt-step4.safetensors").toString());
        assertEquals(1, r.code());
        assertTrue(r.line().contains("ckpt-step4.safetensors: no such file"), r.err());
    }

    @Test
    void refusesToReplaceAnotherRunsCheckpoints() throws IOException {
        Path outDir = Files.createDirectories(tmp.resolve("out"));
        Path fin = Files.writeString(outDir.resolve("final.safetensors"), "previous run");
        Run r = tiny(text(TEXT));
        assertEquals(1, r.code());
        assertTrue(r.line().contains("already holds checkpoints of another run (final.safetensors)"), r.err());
        assertEquals("previous run", Files.readString(fin));
    }

    @Test
    void missingText() {
        Run r = run("train");
        assertEquals(2, r.code());
        assertTrue(r.line().contains("missing --text FILE"), r.err());
    }
}
