package org.tornadogpt.train;

import java.util.ArrayList;
import java.util.List;

import org.tornadogpt.data.Batch;
import org.tornadogpt.data.DatasetTooShortException;
import org.tornadogpt.data.RandomOffsetSampler;
import org.tornadogpt.data.SlidingWindowLoader;
import org.tornadogpt.data.Split;
import org.tornadogpt.data.TokenizedSplits;

/**
 * The batches of a run, as pure functions of the position in it, so that a resumed run sees
 * exactly the batches the uninterrupted run would have seen.
 *
 * <p>{@link TrainConfig.Sampling#WINDOWS} (the book): training batch {@code i} of epoch {@code e}
 * comes from a sliding-window loader shuffled per epoch with incomplete last batch dropped; the
 * validation (and test) loader keeps window order and its smaller last batch. Evaluation follows
 * the book's {@code calc_loss_loader(loader, num_batches=eval_iter)}: the first {@code evalIter}
 * batches of each loader. The book's training loader reshuffles every time it is iterated, so
 * evaluation round {@code r} takes the first batches of a permutation of its own (seeded by
 * {@code (seed, r)}, a stream separate from the epochs'); the validation loader is not shuffled,
 * so its first batches are always the same.
 *
 * <p>{@link TrainConfig.Sampling#RANDOM} (the char-level notebook): step {@code k} draws B windows
 * at random offsets; evaluation averages {@code evalIter} random batches per split, fresh ones in
 * every round, as {@code estimate_loss} does. An "epoch" is then as many steps as it takes to see as
 * many tokens as the training split has (at least one step).
 */
public final class TrainData {
    private static final long EVAL_SEED_SALT = 0x4556414C5F545249L; // "EVAL_TRI"

    private final TrainConfig cfg;
    private final TokenizedSplits splits;
    private final SlidingWindowLoader trainLoader, trainEvalLoader, valLoader, testLoader;
    private final RandomOffsetSampler trainSampler, valSampler, testSampler;
    private final int stepsPerEpoch;

    /** @throws DatasetTooShortException with the book's sanity-check advice when a split is too short */
    public TrainData(TokenizedSplits splits, TrainConfig cfg) {
        this.cfg = cfg;
        this.splits = splits;
        boolean hasTest = cfg.split().hasTest();
        splits.requireOneWindowEach(cfg.context(), hasTest);
        int T = cfg.context(), B = cfg.batchSize();
        if (cfg.sampling() == TrainConfig.Sampling.WINDOWS) {
            trainLoader = SlidingWindowLoader.training(splits.train(), T, cfg.stride(), B, cfg.seed());
            trainEvalLoader = SlidingWindowLoader.training(splits.train(), T, cfg.stride(), B, cfg.seed() ^ EVAL_SEED_SALT);
            valLoader = SlidingWindowLoader.evaluation(Split.VAL, splits.val(), T, cfg.stride(), B);
            testLoader = hasTest ? SlidingWindowLoader.evaluation(Split.TEST, splits.test(), T, cfg.stride(), B) : null;
            trainSampler = valSampler = testSampler = null;
            stepsPerEpoch = trainLoader.numBatches();
        } else {
            trainSampler = new RandomOffsetSampler(Split.TRAIN, splits.train(), T, B, cfg.seed());
            valSampler = new RandomOffsetSampler(Split.VAL, splits.val(), T, B, cfg.seed());
            testSampler = hasTest ? new RandomOffsetSampler(Split.TEST, splits.test(), T, B, cfg.seed()) : null;
            trainLoader = trainEvalLoader = valLoader = testLoader = null;
            stepsPerEpoch = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (long) splits.train().length / ((long) B * T)));
        }
    }

    public TokenizedSplits splits() { return splits; }

    /** Optimizer steps per epoch: training batches per epoch (windows), or split tokens / (B*T) (random). */
    public int stepsPerEpoch() { return stepsPerEpoch; }

    /** Steps of the whole run: epochs * steps per epoch, capped by max steps. */
    public long totalSteps() {
        long byEpochs = cfg.epochs() > 0 ? (long) cfg.epochs() * stepsPerEpoch : Long.MAX_VALUE;
        long bySteps = cfg.maxSteps() > 0 ? cfg.maxSteps() : Long.MAX_VALUE;
        return Math.min(byEpochs, bySteps);
    }

    /** Input tokens a training step consumes: B * T. */
    public long tokensPerStep() {
        return (long) cfg.batchSize() * cfg.context();
    }

    /** Windows in the training split (the book's {@code len(train_loader.dataset)}), or -1 for random sampling. */
    public int trainWindows() {
        return trainLoader != null ? trainLoader.numWindows() : -1;
    }

    /** Validation batches per evaluation pass (the full loader), or -1 for random sampling. */
    public int valBatches() {
        return valLoader != null ? valLoader.numBatches() : -1;
    }

    /** The training batch of global step {@code step} (0-based), which is batch {@code index} of epoch {@code epoch}. */
    public Batch trainBatch(long step, int epoch, int index) {
        return trainLoader != null ? trainLoader.batch(epoch, index) : trainSampler.batch(step);
    }

    /** The batches evaluation round {@code round} averages over for a split ({@link Split#TRAIN} or {@link Split#VAL}). */
    public List<Batch> evalBatches(Split split, long round) {
        List<Batch> out = new ArrayList<>(cfg.evalIter());
        if (cfg.sampling() == TrainConfig.Sampling.WINDOWS) {
            SlidingWindowLoader l = split == Split.TRAIN ? trainEvalLoader : split == Split.VAL ? valLoader : testLoader;
            int epochKey = (int) Math.floorMod(round, Integer.MAX_VALUE);
            int n = Math.min(cfg.evalIter(), l.numBatches());
            for (int i = 0; i < n; i++) out.add(l.batch(epochKey, i));
        } else {
            RandomOffsetSampler s = split == Split.TRAIN ? trainSampler : split == Split.VAL ? valSampler : testSampler;
            for (int i = 0; i < cfg.evalIter(); i++) out.add(s.evalBatch(round, i));
        }
        return out;
    }

    /** Whether there is a test split. */
    public boolean hasTest() {
        return testLoader != null || testSampler != null;
    }

    /** Every batch of the test split (windows), or {@code evalIter} random test batches. */
    public List<Batch> testBatches() {
        if (!hasTest()) return List.of();
        if (testLoader == null) return evalBatches(Split.TEST, 0);
        List<Batch> out = new ArrayList<>(testLoader.numBatches());
        for (int i = 0; i < testLoader.numBatches(); i++) out.add(testLoader.batch(0, i));
        return out;
    }
}
