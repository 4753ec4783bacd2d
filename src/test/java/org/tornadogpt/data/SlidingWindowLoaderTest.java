package org.tornadogpt.data;

import org.junit.jupiter.api.Test;
import org.tornadogpt.tokenizer.Gpt2Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class SlidingWindowLoaderTest {

    /** ids 100, 101, ..., 100 + n - 1: values differ from positions, so off-by-one errors show. */
    private static int[] ramp(int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = 100 + i;
        }
        return ids;
    }

    private static int[] range(int from, int count) {
        int[] a = new int[count];
        for (int i = 0; i < count; i++) {
            a[i] = from + i;
        }
        return a;
    }

    private static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }

    @Test
    void exactBatchesInOrder() {
        // 20 ids, context 4, stride 3: windows start at range(0, 16, 3) = 0, 3, 6, 9, 12, 15
        SlidingWindowLoader loader = new SlidingWindowLoader(Split.VAL, ramp(20), 4, 3, 4, false, false, 0);
        assertEquals(6, loader.numWindows());
        assertEquals(2, loader.numBatches());
        assertEquals(24, loader.tokensPerEpoch());

        Batch b0 = loader.batch(0, 0);
        assertEquals(4, b0.batchSize());
        assertEquals(4, b0.seqLen());
        assertArrayEquals(concat(range(100, 4), range(103, 4), range(106, 4), range(109, 4)), b0.inputs());
        assertArrayEquals(concat(range(101, 4), range(104, 4), range(107, 4), range(110, 4)), b0.targets());

        Batch b1 = loader.batch(0, 1); // last batch keeps its 2 windows
        assertEquals(2, b1.batchSize());
        assertArrayEquals(concat(range(112, 4), range(115, 4)), b1.inputs());
        assertArrayEquals(concat(range(113, 4), range(116, 4)), b1.targets());
        assertEquals(119, b1.target(1, 3)); // the last id is the last target
        assertArrayEquals(range(115, 4), b1.inputRow(1));

        assertThrows(IndexOutOfBoundsException.class, () -> loader.batch(0, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> loader.batch(0, -1));
    }

    @Test
    void dropLastDropsTheIncompleteBatch() {
        SlidingWindowLoader loader = new SlidingWindowLoader(Split.TRAIN, ramp(20), 4, 3, 4, false, true, 0);
        assertEquals(1, loader.numBatches());
        assertEquals(16, loader.tokensPerEpoch());
        assertThrows(IndexOutOfBoundsException.class, () -> loader.batch(0, 1));
    }

    @Test
    void windowCountMatchesPythonRange() {
        // len(range(0, n - context, stride)) and the windows' contents, against a direct transcription
        for (int n = 2; n <= 30; n++) {
            for (int context = 1; context < n; context++) {
                for (int stride = 1; stride <= 6; stride++) {
                    int[] ids = ramp(n);
                    SlidingWindowLoader loader = new SlidingWindowLoader(Split.TRAIN, ids, context, stride, 1, false, false, 0);
                    List<Integer> starts = new ArrayList<>();
                    for (int i = 0; i < n - context; i += stride) {
                        starts.add(i);
                    }
                    assertEquals(starts.size(), loader.numWindows(), "n=" + n + " context=" + context + " stride=" + stride);
                    for (int w = 0; w < starts.size(); w++) {
                        int s = starts.get(w);
                        Batch b = loader.batch(0, w);
                        assertArrayEquals(Arrays.copyOfRange(ids, s, s + context), b.inputs());
                        assertArrayEquals(Arrays.copyOfRange(ids, s + 1, s + context + 1), b.targets());
                    }
                }
            }
        }
    }

    @Test
    void shuffleIsAPureFunctionOfSeedAndEpoch() {
        int[] ids = ramp(200);
        SlidingWindowLoader a = SlidingWindowLoader.training(ids, 8, 4, 5, 1234);
        SlidingWindowLoader b = SlidingWindowLoader.training(ids, 8, 4, 5, 1234);
        int windows = a.numWindows(); // range(0, 192, 4): 48 windows
        assertEquals(48, windows);
        assertEquals(9, a.numBatches());

        for (int epoch = 0; epoch < 4; epoch++) {
            int[] order = a.windowOrder(epoch);
            // a permutation of all windows
            assertArrayEquals(range(0, windows), Arrays.stream(order).sorted().toArray());
            // the same from a fresh loader (a resumed run), asked in a different order
            assertArrayEquals(order, b.windowOrder(epoch));
            for (int k = a.numBatches() - 1; k >= 0; k--) {
                assertEquals(a.batch(epoch, k), b.batch(epoch, k));
            }
            // batch k holds windows order[kB .. kB+B)
            Batch first = a.batch(epoch, 0);
            for (int r = 0; r < 5; r++) {
                assertEquals(ids[a.windowStart(order[r])], first.input(r, 0));
            }
        }
        assertFalse(Arrays.equals(a.windowOrder(0), a.windowOrder(1)), "epochs must differ");
        assertFalse(Arrays.equals(a.windowOrder(1), a.windowOrder(2)), "epochs must differ");
        assertFalse(Arrays.equals(range(0, windows), a.windowOrder(0)), "epoch 0 must be shuffled");
        SlidingWindowLoader otherSeed = SlidingWindowLoader.training(ids, 8, 4, 5, 1235);
        assertFalse(Arrays.equals(a.windowOrder(0), otherSeed.windowOrder(0)), "seeds must differ");
    }

    @Test
    void shuffledDropLastDropsDifferentWindowsEachEpoch() {
        SlidingWindowLoader loader = SlidingWindowLoader.training(ramp(200), 8, 4, 5, 7);
        Set<Integer> seen = new HashSet<>();
        for (int epoch = 0; epoch < 10; epoch++) {
            Set<Integer> inEpoch = new HashSet<>();
            for (int k = 0; k < loader.numBatches(); k++) {
                Batch batch = loader.batch(epoch, k);
                assertEquals(5, batch.batchSize());
                for (int r = 0; r < 5; r++) {
                    assertTrue(inEpoch.add(batch.input(r, 0)), "a window repeated within an epoch");
                }
            }
            assertEquals(45, inEpoch.size());
            seen.addAll(inEpoch);
        }
        assertEquals(48, seen.size(), "over 10 epochs every window is used");
    }

    @Test
    void unshuffledOrderIgnoresEpoch() {
        SlidingWindowLoader loader = SlidingWindowLoader.evaluation(Split.VAL, ramp(50), 4, 4, 3);
        assertArrayEquals(range(0, loader.numWindows()), loader.windowOrder(0));
        assertEquals(loader.batch(0, 1), loader.batch(5, 1));
    }

    @Test
    void verdictGivesTheBooksLoaderSizes() {
        String text = TestTexts.read(TestTexts.VERDICT);
        TokenizedSplits splits = TokenizedSplits.of(text, SplitRatios.trainVal(0.9), Gpt2Tokenizer.get());
        SlidingWindowLoader train = SlidingWindowLoader.training(splits.train(), 256, 256, 2, 123);
        SlidingWindowLoader val = SlidingWindowLoader.evaluation(Split.VAL, splits.val(), 256, 256, 2);
        assertEquals(18, train.numWindows());
        assertEquals(9, train.numBatches());
        assertEquals(2, val.numWindows());
        assertEquals(1, val.numBatches());
        assertEquals(4608, train.tokensPerEpoch()); // the book's "Training tokens: 4608"
        assertEquals(512, val.tokensPerEpoch());    // and "Validation tokens: 512"
        for (int k = 0; k < 9; k++) {
            Batch b = train.batch(0, k);
            assertEquals(2, b.batchSize());
            assertEquals(256, b.seqLen());
        }
        Batch v = val.batch(0, 0);
        assertEquals(2, v.batchSize());
        assertArrayEquals(Arrays.copyOfRange(splits.val(), 0, 256), v.inputRow(0));
        assertArrayEquals(Arrays.copyOfRange(splits.val(), 257, 513), v.targetRow(1));
    }

    @Test
    void tooShortSplitMessage() {
        DatasetTooShortException e = assertThrows(DatasetTooShortException.class,
                () -> SlidingWindowLoader.evaluation(Split.VAL, new int[100], 256, 256, 2));
        assertEquals("validation split has 100 tokens, but one window needs 257 (--context 256 + 1);"
                + " lower --context or raise the validation share of --split", e.getMessage());
        assertEquals(Split.VAL, e.split());
        assertEquals(100, e.have());
        assertEquals(257, e.needed());

        DatasetTooShortException t = assertThrows(DatasetTooShortException.class,
                () -> SlidingWindowLoader.training(new int[256], 256, 256, 2, 1));
        assertEquals("training split has 256 tokens, but one window needs 257 (--context 256 + 1);"
                + " lower --context, raise the training share of --split or use a longer text", t.getMessage());

        // exactly context + 1 tokens is enough for one window
        assertEquals(1, SlidingWindowLoader.training(new int[257], 256, 256, 1, 1).numBatches());
    }

    @Test
    void zeroBatchesMessage() {
        // 3 windows, B 4, drop last: nothing left to train on
        DatasetTooShortException e = assertThrows(DatasetTooShortException.class,
                () -> SlidingWindowLoader.training(ramp(20), 4, 6, 4, 1));
        assertEquals("training split has 3 windows of 5 tokens (--context 4, --stride 6), fewer than one full batch"
                + " of 4 (--batch-size 4) and the incomplete last batch is dropped; lower --batch-size, --stride or"
                + " --context, or raise the training share of --split", e.getMessage());
        assertEquals(3, e.have());
        assertEquals(4, e.needed());
        // the same data is fine for evaluation, where the last batch is kept
        assertEquals(1, SlidingWindowLoader.evaluation(Split.VAL, ramp(20), 4, 6, 4).numBatches());
    }

    @Test
    void badArguments() {
        assertThrows(IllegalArgumentException.class, () -> SlidingWindowLoader.training(ramp(20), 0, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> SlidingWindowLoader.training(ramp(20), 4, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> SlidingWindowLoader.training(ramp(20), 4, 1, 0, 1));
        SlidingWindowLoader ok = SlidingWindowLoader.training(ramp(20), 4, 1, 1, 1);
        assertThrows(IllegalArgumentException.class, () -> ok.batch(-1, 0));
    }
}
