package org.tornadogpt.sample;

/**
 * What one {@code generate} call does.
 *
 * @param maxNewTokens at most this many tokens are appended to the prompt (0 or more)
 * @param eosId        generation stops after this token is produced; -1 never stops early
 * @param kvCache      true: prefill the prompt once and add one position per token (KV cache);
 *                     false: run the whole (cropped) context again for every token, as the book's
 *                     {@code generate} does
 * @param sampler      how each token is chosen
 */
public record GenerationConfig(int maxNewTokens, int eosId, boolean kvCache, SamplerConfig sampler) {

    /** GPT-2's end-of-text token. */
    public static final int GPT2_EOS = 50256;

    public GenerationConfig {
        if (maxNewTokens < 0) throw new IllegalArgumentException("max new tokens must not be negative, got " + maxNewTokens);
        if (eosId < -1) throw new IllegalArgumentException("EOS id must be -1 (none) or a token id, got " + eosId);
        if (sampler == null) throw new IllegalArgumentException("sampler config is required");
    }

    /** Greedy, stopping at GPT-2's EOS, with the KV cache. */
    public static GenerationConfig greedy(int maxNewTokens) {
        return new GenerationConfig(maxNewTokens, GPT2_EOS, true, SamplerConfig.greedy());
    }

    public GenerationConfig withMaxNewTokens(int n) {
        return new GenerationConfig(n, eosId, kvCache, sampler);
    }

    public GenerationConfig withEosId(int id) {
        return new GenerationConfig(maxNewTokens, id, kvCache, sampler);
    }

    public GenerationConfig withoutEos() {
        return new GenerationConfig(maxNewTokens, -1, kvCache, sampler);
    }

    public GenerationConfig withKvCache(boolean on) {
        return new GenerationConfig(maxNewTokens, eosId, on, sampler);
    }

    public GenerationConfig withSampler(SamplerConfig s) {
        return new GenerationConfig(maxNewTokens, eosId, kvCache, s);
    }
}
