package org.tornadogpt.sample;

/**
 * Picks a token id from a row of logits. Implementations from {@link Samplers} keep scratch buffers and a
 * random generator, so one instance must not be used by several threads at once.
 */
public interface Sampler {

    /**
     * Picks a token in {@code [0, vocabSize)} from {@code logits[0..vocabSize)}; entries beyond
     * {@code vocabSize} (e.g. llm.c's padded vocabulary) are ignored. NaN and {@code -inf} logits are never
     * picked.
     *
     * @throws IllegalArgumentException if {@code vocabSize} is not in {@code [1, logits.length]} or no logit
     *                                  in range is finite or {@code +inf}
     */
    int sample(float[] logits, int vocabSize);

    /** {@code sample(logits, logits.length)}. */
    default int sample(float[] logits) {
        return sample(logits, logits.length);
    }
}
