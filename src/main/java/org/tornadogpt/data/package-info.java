/**
 * From text to batches.
 * <pre>
 *   String text = TextFiles.read(path);
 *   TokenizedSplits ids = TokenizedSplits.of(text, SplitRatios.parse("0.9"), tokenizer);
 *   ids.requireOneWindowEach(context, false);          // the book's "not enough tokens" check
 *
 *   // book style (chapter 5): sliding windows, epochs
 *   SlidingWindowLoader train = SlidingWindowLoader.training(ids.train(), context, stride, batchSize, seed);
 *   SlidingWindowLoader val = SlidingWindowLoader.evaluation(Split.VAL, ids.val(), context, stride, batchSize);
 *   for (int epoch = 0; epoch &lt; epochs; epoch++)
 *       for (int k = 0; k &lt; train.numBatches(); k++) { Batch b = train.batch(epoch, k); ... }
 *
 *   // nanoGPT / notebook style: random offsets, iterations
 *   RandomOffsetSampler trainSampler = new RandomOffsetSampler(Split.TRAIN, ids.train(), context, batchSize, seed);
 *   Batch b = trainSampler.batch(step);                // evalBatch(round, i) for estimate_loss
 * </pre>
 * Everything that decides which tokens a step sees is a pure function of (seed, epoch, index) or
 * (seed, step), so a resumed run needs to save only its position, not generator state. Problems
 * with the data raise {@link org.tornadogpt.data.DatasetException} with a one-line message for the user.
 */
package org.tornadogpt.data;
