package org.tornadogpt.data;

import java.util.Arrays;

/**
 * One batch of token ids, row-major {@code [batchSize, seqLen]} (B, T): row {@code b} holds one
 * window, {@code targets[b*T + t]} is the token that follows {@code inputs[b*T + t]}.
 * Equality compares contents.
 *
 * @param inputs    (B, T) input ids
 * @param targets   (B, T) next-token ids, the inputs shifted left by one
 * @param batchSize B, the number of rows (the last validation batch may have fewer than asked for)
 * @param seqLen    T, the context length
 */
public record Batch(int[] inputs, int[] targets, int batchSize, int seqLen) {

    public Batch {
        if (batchSize < 1 || seqLen < 1) {
            throw new IllegalArgumentException("batch shape must be positive: B=" + batchSize + ", T=" + seqLen);
        }
        long n = (long) batchSize * seqLen;
        if (inputs.length != n || targets.length != n) {
            throw new IllegalArgumentException("batch arrays must hold B*T=" + n + " ids, got inputs "
                    + inputs.length + " and targets " + targets.length);
        }
    }

    /** B * T. */
    public int tokens() {
        return batchSize * seqLen;
    }

    public int input(int row, int t) {
        return inputs[row * seqLen + t];
    }

    public int target(int row, int t) {
        return targets[row * seqLen + t];
    }

    /** Row {@code row} of the inputs, as a copy. */
    public int[] inputRow(int row) {
        return Arrays.copyOfRange(inputs, row * seqLen, (row + 1) * seqLen);
    }

    /** Row {@code row} of the targets, as a copy. */
    public int[] targetRow(int row) {
        return Arrays.copyOfRange(targets, row * seqLen, (row + 1) * seqLen);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Batch b && batchSize == b.batchSize && seqLen == b.seqLen
                && Arrays.equals(inputs, b.inputs) && Arrays.equals(targets, b.targets);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(inputs) + Arrays.hashCode(targets)) + 7 * batchSize + seqLen;
    }

    @Override
    public String toString() {
        return "Batch[B=" + batchSize + ", T=" + seqLen + ", inputs=" + head(inputs) + ", targets=" + head(targets) + "]";
    }

    private static String head(int[] a) {
        return a.length <= 16 ? Arrays.toString(a)
                : Arrays.toString(Arrays.copyOf(a, 16)).replace("]", ", ... (" + a.length + " ids)]");
    }
}
