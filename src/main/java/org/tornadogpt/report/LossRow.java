package org.tornadogpt.report;

/**
 * One evaluation point of a training run, as the book's {@code train_model_simple} records it
 * every {@code eval_freq} steps.
 *
 * @param step       optimizer steps done (the book's {@code global_step + 1})
 * @param epoch      epochs done, possibly fractional (x axis of the loss plot)
 * @param tokensSeen input tokens processed so far (top x axis)
 * @param trainLoss  mean cross-entropy on training batches, or NaN if not measured
 * @param valLoss    mean cross-entropy on validation batches, or NaN if not measured at this step
 */
public record LossRow(long step, double epoch, long tokensSeen, double trainLoss, double valLoss) {

    public double trainPerplexity() {
        return Math.exp(trainLoss);
    }

    public double valPerplexity() {
        return Math.exp(valLoss);
    }

    public boolean hasTrainLoss() {
        return !Double.isNaN(trainLoss);
    }

    public boolean hasValLoss() {
        return !Double.isNaN(valLoss);
    }
}
