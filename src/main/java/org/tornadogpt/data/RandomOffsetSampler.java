package org.tornadogpt.data;

/**
 * Random windows at random offsets, like {@code get_batch} of the character-level "GPT from
 * scratch" notebook and nanoGPT:
 * <pre>
 *   ix = torch.randint(len(data) - block_size, (batch_size,))
 *   x  = stack([data[i : i + block_size] for i in ix])
 *   y  = stack([data[i + 1 : i + block_size + 1] for i in ix])
 * </pre>
 * Offsets are uniform in {@code [0, len - context - 1]}. Unlike the notebook, batch {@code k} comes
 * from a generator that is a pure function of {@code (seed, split, k)}: a run resumed at step k
 * draws exactly the batches it would have drawn, and evaluation never shifts the training sequence.
 *
 * <p>For the notebook's {@code estimate_loss} (mean loss over {@code eval_iters} random batches per
 * split) the caller averages over {@link #evalBatch}{@code (round, i)} for {@code i < evalIters},
 * one sampler per split. Using the eval number as {@code round} draws fresh batches each time, as the
 * notebook does; a constant {@code round} evaluates on the same batches every time, which makes
 * successive estimates directly comparable.
 *
 * <p>The id array is not copied. Thread-safe.
 */
public final class RandomOffsetSampler {

    private static final long TRAIN_STREAM = 0x53414D504CL; // "SAMPL"
    private static final long EVAL_STREAM = 0x4556414CL;    // "EVAL"

    private final Split split;
    private final int[] ids;
    private final int context;
    private final int batchSize;
    private final long seed;

    /** @throws DatasetTooShortException if {@code ids} has fewer than {@code context + 1} tokens */
    public RandomOffsetSampler(Split split, int[] ids, int context, int batchSize, long seed) {
        if (context < 1 || batchSize < 1) {
            throw new IllegalArgumentException("context and batch size must be positive: context=" + context
                    + ", batchSize=" + batchSize);
        }
        DatasetTooShortException.requireOneWindow(split, ids.length, context);
        this.split = split;
        this.ids = ids;
        this.context = context;
        this.batchSize = batchSize;
        this.seed = seed;
    }

    public Split split() {
        return split;
    }

    public int context() {
        return context;
    }

    public int batchSize() {
        return batchSize;
    }

    public long seed() {
        return seed;
    }

    /** Largest possible offset: {@code len - context - 1}. */
    public int maxOffset() {
        return ids.length - context - 1;
    }

    /** The B window offsets of batch {@code k} (k = 0, 1, ...: the training step). */
    public int[] offsets(long k) {
        return draw(DeterministicRandom.derive(seed, TRAIN_STREAM, split.ordinal(), k));
    }

    /** Batch {@code k}; depends only on (ids, context, B, seed, split, k). */
    public Batch batch(long k) {
        return gather(offsets(k));
    }

    /** The offsets of evaluation batch {@code i} of evaluation round {@code round}. */
    public int[] evalOffsets(long round, int i) {
        return draw(DeterministicRandom.derive(seed, EVAL_STREAM, split.ordinal(), round, i));
    }

    /** Evaluation batch {@code i} of round {@code round}, from a stream separate from {@link #batch}. */
    public Batch evalBatch(long round, int i) {
        return gather(evalOffsets(round, i));
    }

    private int[] draw(DeterministicRandom rng) {
        int bound = ids.length - context; // offsets in [0, bound)
        int[] ix = new int[batchSize];
        for (int b = 0; b < batchSize; b++) {
            ix[b] = rng.nextInt(bound);
        }
        return ix;
    }

    /** The batch whose row b is the window at {@code offsets[b]}. */
    public Batch gather(int[] offsets) {
        int rows = offsets.length;
        int[] inputs = new int[rows * context];
        int[] targets = new int[rows * context];
        for (int r = 0; r < rows; r++) {
            int off = offsets[r];
            if (off < 0 || off > maxOffset()) {
                throw new IndexOutOfBoundsException("offset " + off + " outside [0, " + maxOffset() + "]");
            }
            System.arraycopy(ids, off, inputs, r * context, context);
            System.arraycopy(ids, off + 1, targets, r * context, context);
        }
        return new Batch(inputs, targets, rows, context);
    }

    @Override
    public String toString() {
        return "RandomOffsetSampler[" + split.label() + ", " + ids.length + " tokens, context " + context + ", B "
                + batchSize + ", seed " + seed + "]";
    }
}
