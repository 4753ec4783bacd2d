package org.tornadogpt.sample;

import java.util.Locale;

/**
 * How the next token is chosen from the logits of the last position.
 *
 * <p>{@code temperature == 0} is greedy decoding (argmax; the other settings are then ignored).
 * Otherwise, in this order: logits are divided by the temperature; only the {@code topK} largest
 * are kept ({@code 0} = all); softmax; tokens with probability below {@code minP} times the largest
 * are dropped ({@code 0} = off); only the smallest set of most likely tokens whose probability mass
 * reaches {@code topP} is kept ({@code 1} = off); one token is drawn from what is left,
 * renormalised. Draws come from a generator seeded with {@code seed}, so the same seed, model and
 * prompt give the same tokens.
 *
 * @param temperature 0 (greedy) or positive
 * @param topK        0 (off) or the number of most likely tokens kept
 * @param topP        in (0, 1]; 1 is off
 * @param minP        in [0, 1); 0 is off
 * @param seed        seed of the random draws
 */
public record SamplerConfig(double temperature, int topK, double topP, double minP, long seed) {

    public SamplerConfig {
        if (!(temperature >= 0) || Double.isInfinite(temperature))
            throw new IllegalArgumentException("temperature must be 0 (greedy) or a positive number, got " + temperature);
        if (topK < 0) throw new IllegalArgumentException("top-k must be 0 (off) or positive, got " + topK);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        if (!(minP >= 0 && minP < 1)) throw new IllegalArgumentException("min-p must be in [0, 1), got " + minP);
    }

    /** Argmax decoding. */
    public static SamplerConfig greedy() {
        return new SamplerConfig(0, 0, 1, 0, 0);
    }

    /** Plain sampling from the softmax (temperature 1, no filters) with the given seed. */
    public static SamplerConfig random(long seed) {
        return new SamplerConfig(1, 0, 1, 0, seed);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }

    public SamplerConfig withTemperature(double t) {
        return new SamplerConfig(t, topK, topP, minP, seed);
    }

    public SamplerConfig withTopK(int k) {
        return new SamplerConfig(temperature, k, topP, minP, seed);
    }

    public SamplerConfig withTopP(double p) {
        return new SamplerConfig(temperature, topK, p, minP, seed);
    }

    public SamplerConfig withMinP(double p) {
        return new SamplerConfig(temperature, topK, topP, p, seed);
    }

    public SamplerConfig withSeed(long s) {
        return new SamplerConfig(temperature, topK, topP, minP, s);
    }

    @Override
    public String toString() {
        if (isGreedy()) return "greedy";
        return String.format(Locale.ROOT, "temperature %.3g, top-k %s, top-p %.3g, min-p %.3g, seed %d",
                temperature, topK == 0 ? "off" : Integer.toString(topK), topP, minP, seed);
    }
}
