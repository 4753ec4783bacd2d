package org.tornadogpt.data;

/**
 * A split has too few tokens for one window of {@code context + 1} tokens, or too few windows for
 * one batch. The book's chapter 5 prints a similar warning ("Not enough tokens for the training
 * loader. Try to lower the context_length or increase the training_ratio"); here it is an error
 * before training starts instead of a NaN loss later. The message names the split, what it has,
 * what is needed and which options to change.
 */
public final class DatasetTooShortException extends DatasetException {

    /** Command-line option names used in the messages. */
    public static final String OPT_CONTEXT = "--context";
    public static final String OPT_STRIDE = "--stride";
    public static final String OPT_BATCH_SIZE = "--batch-size";
    public static final String OPT_SPLIT = "--split";

    private final Split split;
    private final long have;
    private final long needed;

    private DatasetTooShortException(String message, Split split, long have, long needed) {
        super(message);
        this.split = split;
        this.have = have;
        this.needed = needed;
    }

    /**
     * Throws unless {@code tokens >= context + 1}: one input window plus its shifted target.
     *
     * @throws DatasetTooShortException e.g. "validation split has 100 tokens, but one window needs 257
     *     (--context 256 + 1); lower --context or raise the validation share of --split"
     */
    public static void requireOneWindow(Split split, int tokens, int context) {
        long needed = (long) context + 1;
        if (tokens >= needed) {
            return;
        }
        String fix = switch (split) {
            case TRAIN -> "lower " + OPT_CONTEXT + ", raise the training share of " + OPT_SPLIT + " or use a longer text";
            case VAL, TEST -> "lower " + OPT_CONTEXT + " or raise the " + split.label() + " share of " + OPT_SPLIT;
        };
        throw new DatasetTooShortException(split.label() + " split has " + tokens + " tokens, but one window needs "
                + needed + " (" + OPT_CONTEXT + " " + context + " + 1); " + fix, split, tokens, needed);
    }

    /** Thrown when windows exist but, with the last incomplete batch dropped, not one batch is left. */
    static DatasetTooShortException noFullBatch(Split split, int windows, int context, int stride, int batchSize) {
        return new DatasetTooShortException(split.label() + " split has " + windows + (windows == 1 ? " window" : " windows")
                + " of " + (context + 1) + " tokens (" + OPT_CONTEXT + " " + context + ", " + OPT_STRIDE + " " + stride
                + "), fewer than one full batch of " + batchSize + " (" + OPT_BATCH_SIZE + " " + batchSize
                + ") and the incomplete last batch is dropped; lower " + OPT_BATCH_SIZE + ", " + OPT_STRIDE + " or "
                + OPT_CONTEXT + ", or raise the " + split.label() + " share of " + OPT_SPLIT,
                split, windows, batchSize);
    }

    public Split split() {
        return split;
    }

    /** What the split has: tokens, or windows for the no-full-batch case. */
    public long have() {
        return have;
    }

    /** What is needed: {@code context + 1} tokens, or {@code batchSize} windows. */
    public long needed() {
        return needed;
    }
}
