package org.tornadogpt.data;

/**
 * Batches of sliding windows over a token array, equivalent to the book's {@code GPTDatasetV1}
 * with a PyTorch {@code DataLoader}:
 * <pre>
 *   for i in range(0, len(ids) - context, stride):
 *       input  = ids[i : i + context]
 *       target = ids[i + 1 : i + context + 1]
 * </pre>
 * Batch {@code k} of an epoch holds windows {@code order[k*B .. k*B + B)}, where {@code order} is
 * the identity, or with {@code shuffle} a permutation that is a pure function of {@code (seed, epoch)}
 * (so a resumed run recomputes it; it is not PyTorch's permutation). With {@code dropLast} an
 * incomplete last batch is left out (the book's training loader); without it the last batch may
 * have fewer rows (the validation loader).
 *
 * <p>The id array is not copied; do not change it while the loader is in use. Thread-safe.
 */
public final class SlidingWindowLoader {

    private static final long SHUFFLE_STREAM = 0x5348554646L; // "SHUFF"

    private final Split split;
    private final int[] ids;
    private final int context;
    private final int stride;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    private final long seed;
    private final int numWindows;
    private final int numBatches;

    private record Order(int epoch, int[] windows) {
    }

    private volatile Order cachedOrder;

    /**
     * @throws DatasetTooShortException if {@code ids} cannot fill one window, or (with {@code dropLast})
     *     one full batch
     */
    public SlidingWindowLoader(Split split, int[] ids, int context, int stride, int batchSize,
                               boolean shuffle, boolean dropLast, long seed) {
        if (context < 1 || stride < 1 || batchSize < 1) {
            throw new IllegalArgumentException("context, stride and batch size must be positive: context="
                    + context + ", stride=" + stride + ", batchSize=" + batchSize);
        }
        DatasetTooShortException.requireOneWindow(split, ids.length, context);
        this.split = split;
        this.ids = ids;
        this.context = context;
        this.stride = stride;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.dropLast = dropLast;
        this.seed = seed;
        this.numWindows = (ids.length - context - 1) / stride + 1;
        this.numBatches = dropLast ? numWindows / batchSize : (numWindows + batchSize - 1) / batchSize;
        if (numBatches == 0) {
            throw DatasetTooShortException.noFullBatch(split, numWindows, context, stride, batchSize);
        }
    }

    /** The book's training loader: shuffled, incomplete last batch dropped. */
    public static SlidingWindowLoader training(int[] ids, int context, int stride, int batchSize, long seed) {
        return new SlidingWindowLoader(Split.TRAIN, ids, context, stride, batchSize, true, true, seed);
    }

    /** The book's validation loader: in order, last batch kept even if smaller. Also for {@link Split#TEST}. */
    public static SlidingWindowLoader evaluation(Split split, int[] ids, int context, int stride, int batchSize) {
        return new SlidingWindowLoader(split, ids, context, stride, batchSize, false, false, 0L);
    }

    public Split split() {
        return split;
    }

    public int context() {
        return context;
    }

    public int stride() {
        return stride;
    }

    /** The requested B; the last batch may be smaller when {@code dropLast} is off. */
    public int batchSize() {
        return batchSize;
    }

    public boolean shuffle() {
        return shuffle;
    }

    public boolean dropLast() {
        return dropLast;
    }

    public long seed() {
        return seed;
    }

    public int numWindows() {
        return numWindows;
    }

    /** Batches per epoch ({@code len(data_loader)}). */
    public int numBatches() {
        return numBatches;
    }

    /** Input tokens per epoch: the sum of B*T over its batches. */
    public long tokensPerEpoch() {
        int windowsUsed = dropLast ? numBatches * batchSize : numWindows;
        return (long) windowsUsed * context;
    }

    /** Index in the id array where window {@code w} starts: {@code w * stride}. */
    public int windowStart(int w) {
        return w * stride;
    }

    /** Window indices in the order epoch {@code epoch} (0-based) visits them; a fresh copy. */
    public int[] windowOrder(int epoch) {
        return order(epoch).clone();
    }

    /**
     * Batch {@code index} (0-based, less than {@link #numBatches()}) of epoch {@code epoch} (0-based).
     */
    public Batch batch(int epoch, int index) {
        if (index < 0 || index >= numBatches) {
            throw new IndexOutOfBoundsException("batch " + index + " of " + numBatches + " (" + split.label() + ")");
        }
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0: " + epoch);
        }
        int[] order = order(epoch);
        int first = index * batchSize;
        int rows = Math.min(batchSize, numWindows - first);
        int[] inputs = new int[rows * context];
        int[] targets = new int[rows * context];
        for (int r = 0; r < rows; r++) {
            int start = windowStart(order[first + r]);
            System.arraycopy(ids, start, inputs, r * context, context);
            System.arraycopy(ids, start + 1, targets, r * context, context);
        }
        return new Batch(inputs, targets, rows, context);
    }

    private int[] order(int epoch) {
        Order cached = cachedOrder;
        if (cached != null && (cached.epoch == epoch || !shuffle)) {
            return cached.windows;
        }
        int[] windows;
        if (shuffle) {
            windows = DeterministicRandom.derive(seed, SHUFFLE_STREAM, epoch).permutation(numWindows);
        } else {
            windows = new int[numWindows];
            for (int i = 0; i < numWindows; i++) {
                windows[i] = i;
            }
        }
        cachedOrder = new Order(epoch, windows);
        return windows;
    }

    @Override
    public String toString() {
        return "SlidingWindowLoader[" + split.label() + ", " + ids.length + " tokens, context " + context + ", stride "
                + stride + ", B " + batchSize + ", " + numWindows + " windows, " + numBatches + " batches"
                + (shuffle ? ", shuffled (seed " + seed + ")" : "") + (dropLast ? ", drop last" : "") + "]";
    }
}
