package org.tornadogpt.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tornadogpt.report.LossCsv;
import org.tornadogpt.report.LossRow;
import org.tornadogpt.weights.Checkpoint;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/** {@code train} end to end on tiny char-level models: printed format, outputs, resume, failing saves. */
class TrainRunTest {

    @TempDir
    Path tmp;

    private static final Pattern EVAL_LINE = Pattern.compile(
            "Ep (\\d+) \\(Step (\\d{6})\\): Train loss (\\d+\\.\\d{3}), Val loss (\\d+\\.\\d{3}), Tokens seen (\\d+)");

    /** About 1270 characters of the book's text: 8 windows of 16 per batch of 8 in the training split. */
    private static final String TEXT = String.join("\n", List.of(
            "I had always thought Jack Gisburn rather a cheap genius--though a good fellow enough--so it was no",
            "great surprise to me to hear that, in the height of his glory, he had dropped his painting, married",
            "a rich widow, and established himself in a villa on the Riviera. The height of his glory--that was",
            "what the women called it. I can hear Mrs. Gideon Thwing--his last Chicago sitter--deploring his",
            "unaccountable abdication. Of course it was going to send the value of my picture 'way up; but I",
            "don't think of that, Mr. Rickham--the loss to Arrt is all I think of. The word, on Mrs. Thwing's",
            "lips, multiplied its rs as though they were reflected in an endless vista of mirrors. And it was not",
            "only the Mrs. Thwings who mourned. Had not the exquisite Hermia Croft, at the last Grafton Gallery",
            "show, stopped me before Gisburn's Moon-dancers to say, with tears in her eyes: We shall not look",
            "upon its like again? Well!--even through the prism of Hermia's tears I felt able to face the fact",
            "with equanimity. Poor Jack Gisburn! The women had made him--it was fitting that they should mourn",
            "him. Among his own sex fewer regrets were heard, and in his own trade hardly a murmur. Professional",
            "jealousy? Perhaps. If it were, the honour of the craft was vindicated by little Claude Nutley.", ""));

    private Path text() throws IOException {
        Path p = tmp.resolve("verdict-start.txt");
        if (!Files.exists(p)) Files.writeString(p, TEXT);
        return p;
    }

    private List<String> tinyArgs(Path out, String... extra) throws IOException {
        List<String> a = new ArrayList<>(List.of("train", "--text", text().toString(), "--tokenizer", "char",
                "--layers", "2", "--heads", "2", "--emb-dim", "16", "--context", "16", "--batch-size", "8",
                "--lr", "3e-3", "--start-context", "Jack", "--sample-tokens", "20", "--threads", "2",
                "--out", out.toString()));
        a.addAll(List.of(extra));
        return a;
    }

    private TrainCommandErrorsTest.Run train(Path out, String... extra) throws IOException {
        return TrainCommandErrorsTest.run(tinyArgs(out, extra).toArray(String[]::new));
    }

    private static List<String> evalLines(String stdout) {
        return stdout.lines().filter(l -> l.startsWith("Ep ")).toList();
    }

    @Test
    void printsTheBooksLinesAndWritesCsvPlotsAndCheckpoint() throws IOException {
        Path out = tmp.resolve("run");
        TrainCommandErrorsTest.Run r = train(out, "--epochs", "3", "--eval-freq", "2", "--eval-iter", "2");
        assertEquals(0, r.code(), r.err() + r.out());
        assertEquals("", r.err());

        List<String> evals = evalLines(r.out());
        int stepsPerEpoch = 8;
        assertEquals(12, evals.size(), r.out()); // steps 0, 2, ..., 22 of 24
        for (int i = 0; i < evals.size(); i++) {
            Matcher m = EVAL_LINE.matcher(evals.get(i));
            assertTrue(m.matches(), evals.get(i));
            int step = 2 * i;
            assertEquals(String.format("%06d", step), m.group(2));
            assertEquals(step / stepsPerEpoch + 1, Integer.parseInt(m.group(1)));
            assertEquals((step + 1) * 8L * 16, Long.parseLong(m.group(5)));
        }
        assertTrue(evals.get(0).startsWith("Ep 1 (Step 000000): Train loss "), evals.get(0));
        double first = Double.parseDouble(EVAL_LINE.matcher(evals.get(0)).results().findFirst().orElseThrow().group(3));
        double last = Double.parseDouble(EVAL_LINE.matcher(evals.get(11)).results().findFirst().orElseThrow().group(3));
        assertTrue(first > 3.0 && last < first - 0.5, "training loss falls: " + first + " -> " + last);
        // one greedy sample per epoch: the prompt and 20 characters on one line
        List<String> samples = r.out().lines().filter(l -> l.startsWith("Jack")).toList();
        assertEquals(3, samples.size(), r.out());
        for (String s : samples) assertEquals(24, s.length(), s);

        List<LossRow> rows = LossCsv.read(out.resolve("losses.csv"));
        assertEquals(12, rows.size());
        assertEquals(1, rows.get(0).step());
        assertEquals(23, rows.get(11).step());
        assertEquals(23.0 / stepsPerEpoch, rows.get(11).epoch(), 1e-12);
        assertEquals(LossCsv.HEADER, Files.readAllLines(out.resolve("losses.csv")).get(0));
        for (String png : List.of("loss.png", "perplexity.png")) {
            BufferedImage img = ImageIO.read(out.resolve(png).toFile());
            assertEquals(800, img.getWidth(), png);
            assertEquals(500, img.getHeight(), png);
        }
        try (Checkpoint c = Checkpoint.open(out.resolve("final.safetensors"))) {
            assertEquals("24", c.trainState().get("step"));
            assertEquals("char", c.tokenizer().kind());
            assertTrue(c.hasOptimizerState());
            assertEquals(2, c.config().nLayers());
        }
        try (var files = Files.list(out)) {
            assertEquals(List.of("final.safetensors", "loss.png", "losses.csv", "perplexity.png"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }

        // generate loads the checkpoint with its char vocabulary; greedy with the KV cache continues
        // the prompt exactly as the last end-of-epoch sample (taken with the final parameters) did
        TrainCommandErrorsTest.Run g = TrainCommandErrorsTest.run("generate", "--weights", out.resolve("final.safetensors").toString(),
                "--prompt", "Jack", "--temperature", "0", "--max-new-tokens", "20", "--threads", "2");
        assertEquals(0, g.code(), g.err());
        String generated = g.out().substring(0, g.out().length() - 1); // without println's newline
        assertEquals(samples.getLast(), generated.replace("\n", " "));
        TrainCommandErrorsTest.Run e = TrainCommandErrorsTest.run("eval", "--weights", out.resolve("final.safetensors").toString(),
                "--text", text().toString());
        assertEquals(0, e.code(), e.err());
    }

    /**
     * Everything of a run's output that must not depend on an interruption: bit for bit with the
     * portable kernels; within {@code tol} (relative) with the JVM fast paths, whose Vector API
     * reductions may sum in another order before and after the JIT compiles them.
     */
    private static void assertSameRun(Path straight, Path resumed, double tol) throws IOException {
        if (tol == 0) {
            assertEquals(Files.readString(straight.resolve("losses.csv")), Files.readString(resumed.resolve("losses.csv")));
        } else {
            List<LossRow> a = LossCsv.read(straight.resolve("losses.csv")), b = LossCsv.read(resumed.resolve("losses.csv"));
            assertEquals(a.size(), b.size());
            for (int i = 0; i < a.size(); i++) {
                assertEquals(a.get(i).step(), b.get(i).step());
                assertEquals(a.get(i).tokensSeen(), b.get(i).tokensSeen());
                assertEquals(a.get(i).trainLoss(), b.get(i).trainLoss(), tol * Math.abs(a.get(i).trainLoss()), "train loss, row " + i);
                assertEquals(a.get(i).valLoss(), b.get(i).valLoss(), tol * Math.abs(a.get(i).valLoss()), "val loss, row " + i);
            }
        }
        try (Checkpoint a = Checkpoint.open(straight.resolve("final.safetensors"));
             Checkpoint b = Checkpoint.open(resumed.resolve("final.safetensors"))) {
            int p = a.config().parameterCount() > Integer.MAX_VALUE ? -1 : (int) a.config().parameterCount();
            FloatArray am = new FloatArray(p), av = new FloatArray(p), bm = new FloatArray(p), bv = new FloatArray(p);
            a.loadOptimizerState(am, av);
            b.loadOptimizerState(bm, bv);
            assertClose(a.loadModel().params().toHeapArray(), b.loadModel().params().toHeapArray(), tol, "final parameters");
            assertClose(am.toHeapArray(), bm.toHeapArray(), tol, "AdamW m");
            assertClose(av.toHeapArray(), bv.toHeapArray(), tol, "AdamW v");
            assertEquals(a.trainState().get("tokens_seen"), b.trainState().get("tokens_seen"));
            assertEquals(a.trainState().get("optimizer_steps"), b.trainState().get("optimizer_steps"));
        }
    }

    /** Equal arrays, or (tol > 0) a largest difference within tol times the largest magnitude. */
    private static void assertClose(float[] a, float[] b, double tol, String what) {
        if (tol == 0) {
            assertArrayEquals(a, b, what);
            return;
        }
        assertEquals(a.length, b.length, what);
        double maxDiff = 0, maxAbs = 0;
        for (int i = 0; i < a.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
            maxAbs = Math.max(maxAbs, Math.abs(a[i]));
        }
        assertTrue(maxDiff <= tol * maxAbs, what + ": largest difference " + maxDiff + " of largest value " + maxAbs);
    }

    @Test
    void resumingMidEpochReproducesTheUninterruptedRun() throws IOException {
        String[] recipe = {"--epochs", "2", "--eval-freq", "1", "--eval-iter", "2", "--dropout", "0.1",
                "--lr-schedule", "cosine", "--warmup-steps", "3", "--grad-clip", "1.0", "--save-every", "5", "--no-fast-paths"};
        Path straight = tmp.resolve("straight");
        TrainCommandErrorsTest.Run a = train(straight, recipe);
        assertEquals(0, a.code(), a.err());
        assertTrue(Files.exists(straight.resolve("ckpt-step5.safetensors")));
        assertTrue(Files.exists(straight.resolve("ckpt-step10.safetensors")));

        // the interrupted run: continue from step 5 (epoch 1, batch 5 of 8) in another directory, options from the checkpoint
        Path resumed = tmp.resolve("resumed");
        TrainCommandErrorsTest.Run b = TrainCommandErrorsTest.run("train", "--resume", straight.resolve("ckpt-step5.safetensors").toString(),
                "--out", resumed.toString(), "--no-fast-paths", "--threads", "2");
        assertEquals(0, b.code(), b.err() + b.out());
        assertTrue(b.out().contains("Resuming from "), b.out());
        assertSameRun(straight, resumed, 0); // portable kernels: bit for bit
        List<String> evalsA = evalLines(a.out()), evalsB = evalLines(b.out());
        assertEquals(evalsA.subList(5, evalsA.size()), evalsB, "the same evaluation lines from step 5 on");
        List<String> samplesA = a.out().lines().filter(l -> l.startsWith("Jack")).toList();
        List<String> samplesB = b.out().lines().filter(l -> l.startsWith("Jack")).toList();
        assertEquals(samplesA, samplesB, "the same end-of-epoch samples");
    }

    @Test
    void resumingRandomBatchesWithFastPathsMatchesTheUninterruptedRun() throws IOException {
        String[] recipe = {"--sampling", "random", "--max-steps", "12", "--eval-freq", "3", "--eval-iter", "2",
                "--dropout", "0.2", "--save-every", "6"};
        Path straight = tmp.resolve("straight");
        assertEquals(0, train(straight, recipe).code());
        Path resumed = tmp.resolve("resumed");
        TrainCommandErrorsTest.Run b = TrainCommandErrorsTest.run("train", "--resume", straight.resolve("ckpt-step6.safetensors").toString(),
                "--out", resumed.toString(), "--threads", "2");
        assertEquals(0, b.code(), b.err());
        assertSameRun(straight, resumed, 1e-4); // JVM fast paths: to float tolerance
    }

    @Test
    void resumeCanExtendARunButNotChangeItsData() throws IOException {
        Path run = tmp.resolve("run");
        assertEquals(0, train(run, "--epochs", "1", "--eval-freq", "4").code());
        TrainCommandErrorsTest.Run changed = TrainCommandErrorsTest.run("train", "--resume", run.resolve("final.safetensors").toString(),
                "--batch-size", "4", "--epochs", "2");
        assertEquals(2, changed.code());
        assertTrue(changed.line().contains("--batch-size 4 differs from the checkpoint's 8"), changed.err());

        TrainCommandErrorsTest.Run done = TrainCommandErrorsTest.run("train", "--resume", run.resolve("final.safetensors").toString());
        assertEquals(2, done.code());
        assertTrue(done.line().contains("already at step 8 of 8"), done.err());

        TrainCommandErrorsTest.Run more = TrainCommandErrorsTest.run("train", "--resume", run.resolve("final.safetensors").toString(), "--epochs", "2");
        assertEquals(0, more.code(), more.err());
        List<LossRow> rows = LossCsv.read(run.resolve("losses.csv"));
        assertEquals(List.of(1L, 5L, 9L, 13L), rows.stream().map(LossRow::step).toList());
    }

    @Test
    void aFailingSaveStopsTheRunAndKeepsTheEarlierCheckpoint() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("run"));
        // a directory where the step-4 checkpoint would go makes its rename fail
        Files.writeString(Files.createDirectories(out.resolve("ckpt-step4.safetensors")).resolve("blocker"), "x");
        TrainCommandErrorsTest.Run r = train(out, "--max-steps", "6", "--save-every", "2", "--eval-freq", "2", "--overwrite");
        assertEquals(1, r.code());
        String line = r.line();
        assertTrue(line.contains("could not save checkpoint at step 4") && line.contains("earlier checkpoints are intact"), line);
        try (Checkpoint c = Checkpoint.open(out.resolve("ckpt-step2.safetensors"))) {
            assertEquals("2", c.trainState().get("step"));
            c.loadModel();
        }
        assertFalse(Files.exists(out.resolve("final.safetensors")));
        try (var files = Files.list(out)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary files left");
        }
    }

    @Test
    void bigramBaselineTrains() throws IOException {
        Path out = tmp.resolve("bigram");
        TrainCommandErrorsTest.Run r = train(out, "--layers", "0", "--epochs", "4", "--eval-freq", "8", "--lr", "1e-2");
        assertEquals(0, r.code(), r.err());
        List<LossRow> rows = LossCsv.read(out.resolve("losses.csv"));
        assertTrue(rows.getLast().trainLoss() < rows.getFirst().trainLoss() - 0.5, rows.toString());
        assertTrue(r.out().contains("L=0"), r.out());
    }

    @Test
    void withATestSplitPrintsTheTestLoss() throws IOException {
        TrainCommandErrorsTest.Run r = train(tmp.resolve("three"), "--split", "0.8,0.1,0.1", "--epochs", "1", "--eval-freq", "4");
        assertEquals(0, r.code(), r.err());
        assertTrue(Arrays.stream(r.out().split("\n")).anyMatch(l -> l.matches("Test loss \\d+\\.\\d{3} \\(perplexity \\d+\\.\\d\\)")), r.out());
    }
}
