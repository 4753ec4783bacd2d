package org.tornadogpt.runtime;

/**
 * AdamW hyper-parameters other than the learning rate (which a schedule supplies per step), with
 * {@code torch.optim.AdamW}'s meaning. Weight decay is decoupled and applies to every parameter
 * (embeddings, biases and layer-norm parameters included), as {@code AdamW(model.parameters())}
 * does in the book. {@code maxGradNorm > 0} clips the gradients by their global L2 norm first
 * ({@code torch.nn.utils.clip_grad_norm_}); 0 turns clipping off.
 */
public record AdamWConfig(double beta1, double beta2, double eps, double weightDecay, double maxGradNorm) {

    public AdamWConfig {
        if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("beta1 must be in [0, 1), got " + beta1);
        if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("beta2 must be in [0, 1), got " + beta2);
        if (!(eps > 0)) throw new IllegalArgumentException("eps must be positive, got " + eps);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight decay must not be negative, got " + weightDecay);
        if (!(maxGradNorm >= 0)) throw new IllegalArgumentException("gradient clipping norm must not be negative (0 = off), got " + maxGradNorm);
    }

    /** torch.optim.AdamW's defaults: betas (0.9, 0.999), eps 1e-8, weight decay 0.01; no clipping. */
    public static AdamWConfig defaults() {
        return new AdamWConfig(0.9, 0.999, 1e-8, 0.01, 0);
    }

    public AdamWConfig withWeightDecay(double wd) {
        return new AdamWConfig(beta1, beta2, eps, wd, maxGradNorm);
    }

    public AdamWConfig withBetas(double b1, double b2) {
        return new AdamWConfig(b1, b2, eps, weightDecay, maxGradNorm);
    }

    public AdamWConfig withEps(double e) {
        return new AdamWConfig(beta1, beta2, e, weightDecay, maxGradNorm);
    }

    /** Gradient clipping by global norm; 0 = off. */
    public AdamWConfig withMaxGradNorm(double n) {
        return new AdamWConfig(beta1, beta2, eps, weightDecay, n);
    }
}
