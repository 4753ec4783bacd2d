/**
 * What a training run reports: {@code losses.csv} ({@link org.tornadogpt.report.LossCsv}), loss and
 * perplexity plots in the style of the book's figure 5.12 ({@link org.tornadogpt.report.LossPlots}),
 * and the live progress line ({@link org.tornadogpt.report.ProgressLine}).
 * <pre>
 *   ProgressLine progress = ProgressLine.toStdout(totalSteps);
 *   ... after each step:       progress.update(step, epoch + 1, loss, tokensSeen);
 *   ... after an evaluation:   LossRow row = new LossRow(step, epochsDone, tokensSeen, trainLoss, valLoss);
 *                              LossCsv.append(runDir.resolve(LossCsv.FILE_NAME), row);
 *                              progress.message(...);
 *   ... at the end:            progress.finish();
 *                              LossPlots.writeLoss(runDir.resolve(LossPlots.LOSS_FILE), LossCsv.read(csv));
 * </pre>
 */
package org.tornadogpt.report;
