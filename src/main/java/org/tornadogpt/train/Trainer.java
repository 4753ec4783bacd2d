package org.tornadogpt.train;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.tornadogpt.data.Batch;
import org.tornadogpt.data.Split;
import org.tornadogpt.model.GptModel;
import org.tornadogpt.report.LossCsv;
import org.tornadogpt.report.LossPlots;
import org.tornadogpt.report.LossRow;
import org.tornadogpt.report.ProgressLine;
import org.tornadogpt.runtime.TrainingSession;
import org.tornadogpt.tokenizer.Tokenizer;
import org.tornadogpt.weights.Checkpoint;

/**
 * The training loop of the book's chapter 5 ({@code train_model_simple}), plus what the book leaves
 * to the reader: checkpoints, resume, losses.csv, plots and a progress line.
 *
 * <pre>
 * for each epoch, for each training batch:
 *     loss = step(batch, lr(step))                      zero grads, forward with dropout, backward, clip, AdamW
 *     tokens_seen += B*T; step += 1
 *     if (step - 1) % eval_freq == 0:                  the book's global_step % eval_freq == 0
 *         train, val = mean loss over eval_iter batches of each split, in eval mode
 *         print "Ep 1 (Step 000000): Train loss 9.817, Val loss 9.924, Tokens seen 512"; append to losses.csv
 *     at the end of an epoch: print the greedy continuation of the start context on one line
 *     every save_every steps: ckpt-step{N}.safetensors (after the epoch's sample, so a resumed run repeats nothing)
 * at the end: final.safetensors, loss.png, perplexity.png; the test loss when there is a test split
 * </pre>
 * The step printed in the evaluation line is the book's 0-based {@code global_step}; losses.csv
 * records the number of steps done (one more), as {@link LossRow} does.
 *
 * <p>What it leaves out: gradient accumulation, mixed precision, distributed training.
 */
public final class Trainer {

    public static final String FINAL_CHECKPOINT = "final.safetensors";

    /** Greedy continuation of a prompt with the current parameters (in host memory). */
    @FunctionalInterface
    public interface Generator {
        /** The prompt followed by {@code maxNewTokens} new ids. */
        int[] generate(int[] prompt, int maxNewTokens);
    }

    /** What a run reports back. */
    public record Result(TrainState state, double trainSeconds, long tokensThisRun, Path finalCheckpoint, Double testLoss) {
        public double tokensPerSecond() {
            return trainSeconds > 0 ? tokensThisRun / trainSeconds : 0;
        }
    }

    /** A run stopped by an error the user must act on (diverged loss, failed save); the message is one line. */
    public static final class TrainingException extends RuntimeException {
        public TrainingException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final TrainConfig cfg;
    private final GptModel model;
    private final Tokenizer tokenizer;
    private final TrainData data;
    private final TrainingSession session;
    private final Generator generator;
    private final Map<String, String> runInfo;
    private final PrintWriter out;
    private final boolean interactive;
    private Duration progressInterval = ProgressLine.DEFAULT_INTERVAL;
    private Duration plotInterval = Duration.ofSeconds(30);
    private long lastPlotNanos;

    /**
     * @param runInfo     extra {@code train.*} entries saved in checkpoints (options, text hash); a
     *                    checkpoint holds {@code runInfo}, then {@link TrainState#toMetadata()}
     * @param interactive whether {@code out} is a terminal (progress rewrites one line)
     */
    public Trainer(TrainConfig cfg, GptModel model, Tokenizer tokenizer, TrainData data, TrainingSession session, Generator generator,
                   Map<String, String> runInfo, PrintWriter out, boolean interactive) {
        if (cfg.context() > model.config().contextLength())
            throw new IllegalArgumentException("context " + cfg.context() + " is longer than the model's context length " + model.config().contextLength());
        this.cfg = cfg;
        this.model = model;
        this.tokenizer = tokenizer;
        this.data = data;
        this.session = session;
        this.generator = generator;
        this.runInfo = Map.copyOf(runInfo);
        this.out = out;
        this.interactive = interactive;
    }

    /** Spacing of plain progress lines when not on a terminal (tests use zero). */
    public Trainer progressInterval(Duration d) {
        this.progressInterval = d;
        return this;
    }

    /** Minimum spacing of plot redraws during the run (always redrawn at the end). */
    public Trainer plotInterval(Duration d) {
        this.plotInterval = d;
        return this;
    }

    /** Trains from {@code start} ({@link TrainState#start()} or a checkpoint's state) to the end of the run. */
    public Result run(TrainState start) throws IOException {
        long total = data.totalSteps();
        if (start.step() >= total)
            throw new IllegalArgumentException("the run is already at step " + start.step() + " of " + total
                    + "; raise --epochs or --max-steps to train further");
        Files.createDirectories(cfg.outDir());
        Path csv = cfg.outDir().resolve(LossCsv.FILE_NAME);
        LossCsv.write(csv, start.rows()); // a fresh file, or the checkpoint's history (drops rows logged after it)
        int[] prompt = cfg.sampleTokens() > 0 ? tokenizer.encode(cfg.startContext()) : new int[0];

        long step = start.step();
        int epoch = start.epoch(), batch = start.batchInEpoch();
        long tokensSeen = start.tokensSeen();
        List<LossRow> rows = new ArrayList<>(start.rows());
        int spe = data.stepsPerEpoch();
        float lastLoss = Float.NaN;
        boolean sampledAtEnd = false;
        Path lastCheckpoint = null;

        LrSchedule schedule = cfg.lrSchedule(total);
        ProgressLine progress = new ProgressLine(total, out, interactive, progressInterval);
        long t0 = System.nanoTime();
        long tokens0 = tokensSeen;
        try {
            while (step < total) {
                Batch b = data.trainBatch(step, epoch, batch);
                float lr = (float) schedule.lr((int) step);
                float loss = session.step(b.inputs(), b.targets(), lr);
                step++;
                batch++;
                tokensSeen += b.tokens();
                lastLoss = loss;
                if (!Float.isFinite(loss))
                    throw new TrainingException("training diverged at step " + step + " (loss " + loss + "); lower --lr, set --grad-clip or add --warmup-steps", null);
                progress.update(step, epoch + 1, loss, tokensSeen);

                if ((step - 1) % cfg.evalFreq() == 0) {
                    long round = (step - 1) / cfg.evalFreq();
                    double trainLoss = meanLoss(data.evalBatches(Split.TRAIN, round));
                    double valLoss = meanLoss(data.evalBatches(Split.VAL, round));
                    LossRow row = new LossRow(step, (double) step / spe, tokensSeen, trainLoss, valLoss);
                    rows.add(row);
                    LossCsv.append(csv, row);
                    progress.message(String.format(Locale.ROOT, "Ep %d (Step %06d): Train loss %.3f, Val loss %.3f, Tokens seen %d",
                            epoch + 1, step - 1, trainLoss, valLoss, tokensSeen));
                    maybePlot(rows, false);
                }
                boolean epochDone = batch == spe;
                if (epochDone) {
                    sample(prompt, progress);
                    sampledAtEnd = step == total;
                    epoch++;
                    batch = 0;
                }
                if (cfg.saveEvery() > 0 && step % cfg.saveEvery() == 0 && step < total) {
                    double elapsed = start.elapsedSeconds() + (System.nanoTime() - t0) / 1e9;
                    TrainState s = new TrainState(step, epoch, batch, tokensSeen, session.completedSteps(), elapsed, rows);
                    lastCheckpoint = save(cfg.outDir().resolve("ckpt-step" + step + ".safetensors"), s);
                }
            }
            if (!sampledAtEnd) sample(prompt, progress); // a run that stopped inside an epoch
        } finally {
            progress.finish();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        TrainState end = new TrainState(step, epoch, batch, tokensSeen, session.completedSteps(), start.elapsedSeconds() + seconds, rows);
        Path fin = save(cfg.outDir().resolve(FINAL_CHECKPOINT), end);
        maybePlot(rows, true);
        Double test = null;
        if (data.hasTest()) {
            test = meanLoss(data.testBatches());
            out.println(String.format(Locale.ROOT, "Test loss %.3f (perplexity %.1f)", test, Math.exp(test)));
        }
        long tokensRun = tokensSeen - tokens0;
        out.println(String.format(Locale.ROOT, "Training completed in %.2f minutes (%.1f s, %d steps, %d tokens, %.0f tokens/s); last training loss %.3f",
                seconds / 60, seconds, step - start.step(), tokensRun, seconds > 0 ? tokensRun / seconds : 0, lastLoss));
        out.println("Wrote " + cfg.outDir().resolve(LossCsv.FILE_NAME) + ", " + LossPlots.LOSS_FILE + ", " + LossPlots.PERPLEXITY_FILE
                + " and " + FINAL_CHECKPOINT + (lastCheckpoint != null ? " (last intermediate: " + lastCheckpoint.getFileName() + ")" : ""));
        out.flush();
        return new Result(end, seconds, tokensRun, fin, test);
    }

    /** The book's calc_loss_loader over the given batches: the mean of the per-batch mean losses. */
    private double meanLoss(List<Batch> batches) {
        if (batches.isEmpty()) return Double.NaN;
        double sum = 0;
        for (Batch b : batches) sum += session.evalLoss(b.inputs(), b.targets(), b.batchSize(), b.seqLen());
        return sum / batches.size();
    }

    /** The book's generate_and_print_sample: greedy, newlines shown as spaces, one line. */
    private void sample(int[] prompt, ProgressLine progress) {
        if (cfg.sampleTokens() == 0) return;
        session.syncToHost();
        int[] ids = generator.generate(prompt, cfg.sampleTokens());
        progress.message(tokenizer.decode(ids).replace("\n", " "));
    }

    private Path save(Path file, TrainState s) {
        session.syncToHost();
        Map<String, String> train = new LinkedHashMap<>(runInfo);
        train.putAll(s.toMetadata());
        try {
            Checkpoint.save(file, model.config(), model.params(), session.m(), session.v(), tokenizer.metadata(), train);
            return file;
        } catch (IOException e) {
            throw new TrainingException("could not save checkpoint at step " + s.step() + ": " + e.getMessage()
                    + "; earlier checkpoints are intact", e);
        }
    }

    private void maybePlot(List<LossRow> rows, boolean force) {
        long now = System.nanoTime();
        if (rows.isEmpty() || !force && lastPlotNanos != 0 && now - lastPlotNanos < plotInterval.toNanos()) return;
        lastPlotNanos = now;
        try {
            LossPlots.writeLoss(cfg.outDir().resolve(LossPlots.LOSS_FILE), rows);
            LossPlots.writePerplexity(cfg.outDir().resolve(LossPlots.PERPLEXITY_FILE), rows);
        } catch (IOException | RuntimeException | Error e) {
            out.println("tornado-gpt: warning: could not draw the loss plots: " + e);
        }
    }
}
