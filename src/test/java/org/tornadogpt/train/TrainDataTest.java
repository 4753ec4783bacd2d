package org.tornadogpt.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tornadogpt.data.Batch;
import org.tornadogpt.data.DatasetTooShortException;
import org.tornadogpt.data.Split;
import org.tornadogpt.data.SplitRatios;
import org.tornadogpt.data.TestTexts;
import org.tornadogpt.data.TokenizedSplits;
import org.tornadogpt.tokenizer.CharTokenizer;
import org.tornadogpt.tokenizer.Gpt2Tokenizer;

class TrainDataTest {

    private static TrainConfig book(int context) {
        return TrainConfig.bookDefaults(context, Path.of("unused"));
    }

    @Test
    void theVerdictHasTheBooksNineBatchesPerEpoch() {
        String text = TestTexts.read(TestTexts.VERDICT);
        TokenizedSplits ids = TokenizedSplits.of(text, SplitRatios.trainVal(0.9), Gpt2Tokenizer.get());
        assertEquals(4612, ids.train().length);
        assertEquals(534, ids.val().length);
        TrainData d = new TrainData(ids, book(256));
        assertEquals(18, d.trainWindows());
        assertEquals(9, d.stepsPerEpoch());
        assertEquals(90, d.totalSteps());
        assertEquals(1, d.valBatches());
        assertEquals(512, d.tokensPerStep());
        // the book's evaluation: min(eval_iter, len(loader)) batches; the one validation batch holds both windows
        List<Batch> val = d.evalBatches(Split.VAL, 0);
        assertEquals(1, val.size());
        assertEquals(2, val.get(0).batchSize());
        assertEquals(5, d.evalBatches(Split.TRAIN, 0).size());
    }

    @Test
    void batchesArePureFunctionsOfThePosition() {
        String text = "the quick brown fox jumps over the lazy dog. ".repeat(40);
        CharTokenizer tok = CharTokenizer.fromText(text);
        TokenizedSplits ids = TokenizedSplits.of(text, SplitRatios.trainVal(0.9), tok);
        TrainConfig cfg = book(16).withEpochs(3, 0);
        TrainData a = new TrainData(ids, cfg), b = new TrainData(ids, cfg);
        assertEquals(a.trainBatch(7, 1, 2), b.trainBatch(7, 1, 2));
        assertNotEquals(a.trainBatch(0, 0, 0), a.trainBatch(a.stepsPerEpoch(), 1, 0), "epochs are reshuffled");
        assertEquals(a.evalBatches(Split.TRAIN, 3), b.evalBatches(Split.TRAIN, 3));
        assertNotEquals(a.evalBatches(Split.TRAIN, 3), a.evalBatches(Split.TRAIN, 4), "training loader reshuffles per evaluation, as the book's");
        assertEquals(a.evalBatches(Split.VAL, 3), a.evalBatches(Split.VAL, 4), "validation loader is not shuffled");
    }

    @Test
    void randomSamplingDefinesEpochsByTokenCount() {
        String text = "abcdefghijklmnopqrstuvwxyz\n".repeat(100); // 2700 chars, 2430 training tokens
        CharTokenizer tok = CharTokenizer.fromText(text);
        TokenizedSplits ids = TokenizedSplits.of(text, SplitRatios.trainVal(0.9), tok);
        TrainConfig cfg = new TrainConfig(SplitRatios.trainVal(0.9), TrainConfig.Sampling.RANDOM, 0, 100, 4, 32, 32, 1e-3f, 0f,
                TrainConfig.Schedule.CONSTANT, 0, 0f, 0f, 0f, 10, 3, 1L, "\n", 10, 0, Path.of("unused"));
        TrainData d = new TrainData(ids, cfg);
        assertEquals(2430 / 128, d.stepsPerEpoch());
        assertEquals(100, d.totalSteps());
        assertEquals(3, d.evalBatches(Split.VAL, 0).size());
        assertEquals(d.trainBatch(5, 0, 5), new TrainData(ids, cfg).trainBatch(5, 0, 5));
    }

    @Test
    void tooShortValidationSplit() {
        String text = "abcdefghij".repeat(4);
        CharTokenizer tok = CharTokenizer.fromText(text);
        TokenizedSplits ids = TokenizedSplits.of(text, SplitRatios.trainVal(0.9), tok);
        DatasetTooShortException e = assertThrows(DatasetTooShortException.class, () -> new TrainData(ids, book(8)));
        assertEquals(Split.VAL, e.split());
        assertTrue(e.getMessage().contains("lower --context"), e.getMessage());
    }

    @Test
    void learningRateSchedules() {
        TrainConfig c = book(16);
        assertEquals(4e-4f, c.learningRate(0, 90));
        assertEquals(4e-4f, c.learningRate(89, 90));
        TrainConfig cos = new TrainConfig(SplitRatios.trainVal(0.9), TrainConfig.Sampling.WINDOWS, 1, 0, 2, 16, 16, 1e-3f, 0.1f,
                TrainConfig.Schedule.COSINE, 9, 1e-4f, 1f, 0f, 5, 5, 1L, "x", 0, 0, Path.of("unused"));
        assertEquals(1e-4f, cos.learningRate(0, 109), 1e-9f);     // warm-up: lr * 1/10
        assertEquals(1e-3f, cos.learningRate(9, 109), 1e-9f);     // peak right after warm-up
        assertEquals(5.5e-4f, cos.learningRate(59, 109), 1e-9f);  // half way down
        assertEquals(1e-4f, cos.learningRate(109, 109), 1e-9f);   // floor
    }
}
