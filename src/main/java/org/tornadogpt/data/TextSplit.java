package org.tornadogpt.data;

/**
 * A text cut into consecutive training, validation and (optional) test parts by character
 * position, as the book does before tokenizing:
 * <pre>
 *   split_idx = int(train_ratio * len(text))
 *   train_data = text[:split_idx]; val_data = text[split_idx:]
 * </pre>
 * Characters are code points (Python's {@code len}), and {@code int()} truncates. With a test
 * share, validation ends at {@code int((train + val) * len(text))} and the test part is the rest.
 *
 * @param train the text's start
 * @param val   the middle (the whole rest for a two-way split)
 * @param test  the end, or "" for a two-way split
 */
public record TextSplit(String train, String val, String test) {

    public static TextSplit of(String text, double trainRatio) {
        return of(text, SplitRatios.trainVal(trainRatio));
    }

    /** @throws DatasetException if the text is empty */
    public static TextSplit of(String text, SplitRatios ratios) {
        if (text.isEmpty()) {
            throw new DatasetException("the input text is empty; there is nothing to train on");
        }
        int n = text.codePointCount(0, text.length());
        int trainEnd = (int) (ratios.train() * n);
        int valEnd = ratios.hasTest() ? Math.max(trainEnd, Math.min(n, (int) ((ratios.train() + ratios.val()) * n))) : n;
        int a = text.offsetByCodePoints(0, trainEnd);
        int b = text.offsetByCodePoints(a, valEnd - trainEnd);
        return new TextSplit(text.substring(0, a), text.substring(a, b), text.substring(b));
    }

    public String part(Split split) {
        return switch (split) {
            case TRAIN -> train;
            case VAL -> val;
            case TEST -> test;
        };
    }
}
