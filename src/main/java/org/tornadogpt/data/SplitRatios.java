package org.tornadogpt.data;

import java.util.Locale;

/**
 * Shares of the text (by characters) for the training, validation and test splits, in that order.
 * The book splits train/validation 0.9/0.1; a three-way split such as 0.8/0.1/0.1 adds a test part
 * at the end of the text.
 *
 * @param train share of the text at its start, in (0, 1]
 * @param val   share after that
 * @param test  share at the end (0 for a two-way split)
 */
public record SplitRatios(double train, double val, double test) {

    private static final double EPS = 1e-9;

    public SplitRatios {
        if (!(train > 0 && train <= 1) || !(val >= 0 && val <= 1) || !(test >= 0 && test <= 1)) {
            throw new DatasetException("split shares must lie in [0, 1] with a positive training share, got "
                    + format(train, val, test) + " (" + DatasetTooShortException.OPT_SPLIT + ")");
        }
        if (Math.abs(train + val + test - 1.0) > 1e-6) {
            throw new DatasetException("split shares must add up to 1, got " + format(train, val, test)
                    + " (" + DatasetTooShortException.OPT_SPLIT + ")");
        }
    }

    /** The book's two-way split: {@code train} then the rest for validation. */
    public static SplitRatios trainVal(double train) {
        return new SplitRatios(train, 1.0 - train, 0.0);
    }

    public static SplitRatios of(double train, double val, double test) {
        return new SplitRatios(train, val, test);
    }

    /**
     * Parses {@code "0.9"} (train, the rest validation), {@code "0.9,0.1"} or {@code "0.8,0.1,0.1"}
     * (train, validation, test; must add up to 1).
     */
    public static SplitRatios parse(String spec) {
        String[] parts = spec.trim().split("\\s*,\\s*");
        double[] v = new double[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                v[i] = Double.parseDouble(parts[i]);
            }
        } catch (NumberFormatException e) {
            throw new DatasetException("cannot read split '" + spec + "': expected e.g. 0.9 or 0.8,0.1,0.1 ("
                    + DatasetTooShortException.OPT_SPLIT + ")");
        }
        return switch (v.length) {
            case 1 -> trainVal(v[0]);
            case 2 -> new SplitRatios(v[0], v[1], 0.0);
            case 3 -> new SplitRatios(v[0], v[1], v[2]);
            default -> throw new DatasetException("split '" + spec + "' has " + v.length
                    + " parts; give 1 to 3 shares (train[,validation[,test]])");
        };
    }

    public boolean hasTest() {
        return test > EPS;
    }

    @Override
    public String toString() {
        return format(train, val, test);
    }

    private static String format(double train, double val, double test) {
        return String.format(Locale.ROOT, "%s/%s/%s", trim(train), trim(val), trim(test));
    }

    private static String trim(double d) {
        String s = Double.toString(d);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }
}
