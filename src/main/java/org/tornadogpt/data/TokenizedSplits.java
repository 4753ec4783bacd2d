package org.tornadogpt.data;

import org.tornadogpt.tokenizer.Tokenizer;

/**
 * Token ids of each split. Each part of a {@link TextSplit} is tokenized on its own, as the book
 * does (so a word cut by the split boundary is tokenized as two pieces).
 *
 * @param train ids of the training part
 * @param val   ids of the validation part
 * @param test  ids of the test part (empty for a two-way split)
 */
public record TokenizedSplits(int[] train, int[] val, int[] test) {

    public static TokenizedSplits of(TextSplit text, Tokenizer tokenizer) {
        return new TokenizedSplits(tokenizer.encode(text.train()), tokenizer.encode(text.val()),
                tokenizer.encode(text.test()));
    }

    public static TokenizedSplits of(String text, SplitRatios ratios, Tokenizer tokenizer) {
        return of(TextSplit.of(text, ratios), tokenizer);
    }

    public int[] ids(Split split) {
        return switch (split) {
            case TRAIN -> train;
            case VAL -> val;
            case TEST -> test;
        };
    }

    /**
     * Checks, before any loader is built, that every non-empty-share split holds at least one window
     * of {@code context + 1} tokens (the book's "Not enough tokens" sanity check).
     */
    public void requireOneWindowEach(int context, boolean includeTest) {
        DatasetTooShortException.requireOneWindow(Split.TRAIN, train.length, context);
        DatasetTooShortException.requireOneWindow(Split.VAL, val.length, context);
        if (includeTest) {
            DatasetTooShortException.requireOneWindow(Split.TEST, test.length, context);
        }
    }
}
