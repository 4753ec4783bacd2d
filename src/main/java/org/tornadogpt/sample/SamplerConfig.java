package org.tornadogpt.sample;

/**
 * How to pick the next token from a row of logits.
 *
 * @param temperature 0 for greedy argmax; otherwise logits are divided by it (lower is sharper)
 * @param topK        keep only the {@code topK} most likely tokens; {@code <= 0} keeps all
 * @param topP        then keep the smallest set of most likely tokens whose probability mass reaches
 *                    {@code topP} (nucleus sampling); {@code >= 1} keeps all; must be {@code > 0}
 * @param minP        then drop tokens whose probability is below {@code minP} times the most likely
 *                    token's; 0 disables; must be in {@code [0, 1]}
 * @param seed        seed of the random generator: the same seed gives the same draws
 */
public record SamplerConfig(double temperature, int topK, double topP, double minP, long seed) {

    public SamplerConfig {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and >= 0: " + temperature);
        }
        if (!(topP > 0)) {
            throw new IllegalArgumentException("topP must be > 0 (>= 1 disables it): " + topP);
        }
        if (!(minP >= 0 && minP <= 1)) {
            throw new IllegalArgumentException("minP must be in [0, 1] (0 disables it): " + minP);
        }
    }

    /** Greedy decoding: always the most likely token (lowest index on ties). */
    public static SamplerConfig greedy() {
        return new SamplerConfig(0, 0, 1, 0, 0);
    }

    /** Plain sampling from the softmax at a temperature, no filtering. */
    public static SamplerConfig of(double temperature, long seed) {
        return new SamplerConfig(temperature, 0, 1, 0, seed);
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

    /** True if this config always picks the argmax. */
    public boolean isGreedy() {
        return temperature == 0;
    }
}
