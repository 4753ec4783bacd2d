package org.tornadogpt.train;

import java.nio.file.Path;
import java.util.Locale;

import org.tornadogpt.data.SplitRatios;

/**
 * Everything a training run is told, already checked. The defaults ({@link #bookDefaults}) are the
 * book's chapter-5 {@code train_model_simple} call: AdamW lr 4e-4, weight decay 0.1, batch 2,
 * 10 epochs, evaluation every 5 steps over 5 batches, dropout 0.1, seed 123, a 0.9 split, stride =
 * context, 50 sampled tokens from "Every effort moves you" after each epoch.
 *
 * @param split        shares of the text for training, validation and (optional) test
 * @param sampling     {@link Sampling#WINDOWS} (the book's loaders) or {@link Sampling#RANDOM} (get_batch)
 * @param epochs       epochs to train; 0 for no limit (then {@code maxSteps} must be set)
 * @param maxSteps     optimizer steps to stop after (counted from the start of the run, across resumes); 0 for no limit
 * @param batchSize    B
 * @param context      T, the training window; at most the model's context length
 * @param stride       distance between window starts ({@link Sampling#WINDOWS} only)
 * @param lr           peak learning rate
 * @param weightDecay  AdamW weight decay, applied to every parameter as torch.optim.AdamW(model.parameters()) does
 * @param schedule     learning-rate schedule after warm-up
 * @param warmupSteps  steps of linear warm-up (0: none)
 * @param minLr        the cosine schedule's final learning rate
 * @param gradClip     global gradient-norm clip; 0 for none
 * @param dropout      dropout rate in training mode
 * @param evalFreq     evaluate after every {@code evalFreq}-th step (the book's step 0, 5, 10, ...)
 * @param evalIter     batches per split and evaluation
 * @param seed         seeds the model initialisation, shuffling, random batches and dropout
 * @param startContext the prompt of the sample printed after each epoch
 * @param sampleTokens new tokens in that sample (0: no sample)
 * @param saveEvery    write {@code ckpt-step{N}.safetensors} every that many steps (0: only {@code final.safetensors})
 * @param outDir       where losses.csv, the plots and the checkpoints go
 */
public record TrainConfig(SplitRatios split, Sampling sampling, int epochs, long maxSteps, int batchSize, int context,
                          int stride, float lr, float weightDecay, Schedule schedule, int warmupSteps, float minLr,
                          float gradClip, float dropout, int evalFreq, int evalIter, long seed, String startContext,
                          int sampleTokens, long saveEvery, Path outDir) {

    /** How training batches are drawn. */
    public enum Sampling {
        /** The book's GPTDatasetV1 + DataLoader: sliding windows, shuffled per epoch, last partial batch dropped. */
        WINDOWS,
        /** The char-level notebook's get_batch: B windows at uniformly random offsets per step. */
        RANDOM;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The learning-rate schedule after warm-up. */
    public enum Schedule {
        /** The book's chapter 5: the same rate throughout (after an optional warm-up). */
        CONSTANT,
        /** Cosine decay from {@code lr} to {@code minLr} over the remaining steps (the book's appendix D, nanoGPT). */
        COSINE;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final String DEFAULT_START_CONTEXT = "Every effort moves you";

    public TrainConfig {
        require(epochs >= 0, "--epochs must not be negative, got " + epochs);
        require(maxSteps >= 0, "--max-steps must not be negative, got " + maxSteps);
        require(epochs > 0 || maxSteps > 0, "give --epochs or --max-steps: a run needs an end");
        require(batchSize > 0, "--batch-size must be positive, got " + batchSize);
        require(context > 0, "--context must be positive, got " + context);
        require(stride > 0, "--stride must be positive, got " + stride);
        require(lr > 0 && Float.isFinite(lr), "--lr must be positive, got " + lr);
        require(weightDecay >= 0 && Float.isFinite(weightDecay), "--weight-decay must not be negative, got " + weightDecay);
        require(warmupSteps >= 0, "--warmup-steps must not be negative, got " + warmupSteps);
        require(minLr >= 0 && minLr <= lr, "--min-lr must lie in [0, --lr], got " + minLr);
        require(gradClip >= 0 && Float.isFinite(gradClip), "--grad-clip must not be negative (0 turns clipping off), got " + gradClip);
        require(dropout >= 0 && dropout < 1, "--dropout must lie in [0, 1), got " + dropout);
        require(evalFreq > 0, "--eval-freq must be positive, got " + evalFreq);
        require(evalIter > 0, "--eval-iter must be positive, got " + evalIter);
        require(sampleTokens >= 0, "--sample-tokens must not be negative, got " + sampleTokens);
        require(saveEvery >= 0, "--save-every must not be negative (0: only the final checkpoint), got " + saveEvery);
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }

    /** The book's chapter-5 settings for a model of the given context length. */
    public static TrainConfig bookDefaults(int context, Path outDir) {
        return new TrainConfig(SplitRatios.trainVal(0.9), Sampling.WINDOWS, 10, 0, 2, context, context, 4e-4f, 0.1f,
                Schedule.CONSTANT, 0, 4e-5f, 0f, 0.1f, 5, 5, 123L, DEFAULT_START_CONTEXT, 50, 0, outDir);
    }

    /**
     * The learning rate of every step of a run of {@code totalSteps} steps: nanoGPT's {@code get_lr}
     * (linear warm-up {@code lr * (it + 1) / (warmup + 1)}, then constant or cosine down to
     * {@code minLr} at the last step).
     */
    public LrSchedule lrSchedule(long totalSteps) {
        int total = (int) Math.min(Integer.MAX_VALUE, totalSteps);
        if (schedule == Schedule.COSINE && total > warmupSteps) return LrSchedule.warmupCosine(lr, warmupSteps, total, minLr);
        if (warmupSteps == 0) return LrSchedule.constant(lr);
        double peak = lr;
        int warm = warmupSteps;
        return it -> it < warm ? peak * (it + 1) / (warm + 1) : peak;
    }

    /** The learning rate of step {@code step} (0-based) of a run of {@code totalSteps} steps. */
    public float learningRate(long step, long totalSteps) {
        return (float) lrSchedule(totalSteps).lr((int) step);
    }

    public TrainConfig withEpochs(int e, long steps) {
        return new TrainConfig(split, sampling, e, steps, batchSize, context, stride, lr, weightDecay, schedule, warmupSteps,
                minLr, gradClip, dropout, evalFreq, evalIter, seed, startContext, sampleTokens, saveEvery, outDir);
    }

    public TrainConfig withOutDir(Path dir) {
        return new TrainConfig(split, sampling, epochs, maxSteps, batchSize, context, stride, lr, weightDecay, schedule,
                warmupSteps, minLr, gradClip, dropout, evalFreq, evalIter, seed, startContext, sampleTokens, saveEvery, dir);
    }

    public TrainConfig withStartContext(String prompt) {
        return new TrainConfig(split, sampling, epochs, maxSteps, batchSize, context, stride, lr, weightDecay, schedule,
                warmupSteps, minLr, gradClip, dropout, evalFreq, evalIter, seed, prompt, sampleTokens, saveEvery, outDir);
    }

    public TrainConfig withSaveEvery(long n) {
        return new TrainConfig(split, sampling, epochs, maxSteps, batchSize, context, stride, lr, weightDecay, schedule,
                warmupSteps, minLr, gradClip, dropout, evalFreq, evalIter, seed, startContext, sampleTokens, n, outDir);
    }
}
