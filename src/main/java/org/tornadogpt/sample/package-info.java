/**
 * Choosing the next token from logits: {@link org.tornadogpt.sample.SamplerConfig} (temperature, top-k,
 * top-p, min-p, seed) and {@link org.tornadogpt.sample.Samplers#create} for a seeded, reproducible
 * {@link org.tornadogpt.sample.Sampler}. Temperature 0 is greedy argmax.
 */
package org.tornadogpt.sample;
