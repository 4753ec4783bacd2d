package org.tornadogpt.sample;

/**
 * Picks the next token from the logits of the last position. Implementations may keep state (a
 * random generator), so use one per generated sequence. Made by {@link Samplers#create}.
 */
@FunctionalInterface
public interface Sampler {

    /** A token id in {@code [0, vocabSize)}; {@code logits} has at least {@code vocabSize} entries. */
    int sample(float[] logits, int vocabSize);
}
