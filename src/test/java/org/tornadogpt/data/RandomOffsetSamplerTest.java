package org.tornadogpt.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class RandomOffsetSamplerTest {

    private static int[] ramp(int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = 1000 + i;
        }
        return ids;
    }

    @Test
    void rowsAreWindowsAtTheOffsets() {
        int[] ids = ramp(500);
        RandomOffsetSampler s = new RandomOffsetSampler(Split.TRAIN, ids, 16, 4, 99);
        for (long k = 0; k < 50; k++) {
            int[] off = s.offsets(k);
            assertEquals(4, off.length);
            Batch b = s.batch(k);
            assertEquals(4, b.batchSize());
            assertEquals(16, b.seqLen());
            for (int r = 0; r < 4; r++) {
                assertArrayEquals(Arrays.copyOfRange(ids, off[r], off[r] + 16), b.inputRow(r));
                assertArrayEquals(Arrays.copyOfRange(ids, off[r] + 1, off[r] + 17), b.targetRow(r));
            }
        }
    }

    @Test
    void offsetsCoverExactlyZeroToLenMinusContextMinusOne() {
        // 10 ids, context 4: torch.randint(10 - 4) gives 0..5
        RandomOffsetSampler s = new RandomOffsetSampler(Split.TRAIN, ramp(10), 4, 8, 5);
        assertEquals(5, s.maxOffset());
        int[] counts = new int[6];
        int draws = 0;
        for (long k = 0; k < 3000; k++) {
            for (int off : s.offsets(k)) {
                assertTrue(off >= 0 && off <= 5, "offset " + off);
                counts[off]++;
                draws++;
            }
        }
        double expected = draws / 6.0;
        for (int c : counts) {
            assertEquals(expected, c, expected * 0.05, "offset counts far from uniform: " + Arrays.toString(counts));
        }
        // the smallest possible split: one window, offset always 0
        RandomOffsetSampler one = new RandomOffsetSampler(Split.VAL, ramp(5), 4, 3, 5);
        assertArrayEquals(new int[] {0, 0, 0}, one.offsets(17));
    }

    @Test
    void resumedSamplerDrawsTheSameBatches() {
        int[] ids = ramp(1000);
        RandomOffsetSampler run = new RandomOffsetSampler(Split.TRAIN, ids, 32, 4, 2024);
        List<Batch> uninterrupted = new ArrayList<>();
        for (long k = 0; k < 100; k++) {
            uninterrupted.add(run.batch(k));
            if (k % 10 == 0) {
                run.evalBatch(k, 0); // evaluation in between must not disturb the training stream
            }
        }
        // "resume" at step 60 with a new sampler built from the same arguments
        RandomOffsetSampler resumed = new RandomOffsetSampler(Split.TRAIN, ids, 32, 4, 2024);
        for (long k = 60; k < 100; k++) {
            assertEquals(uninterrupted.get((int) k), resumed.batch(k), "batch " + k);
        }
        // steps differ from each other
        assertNotEquals(uninterrupted.get(0), uninterrupted.get(1));
    }

    @Test
    void streamsAreSeparatedBySeedSplitAndPurpose() {
        int[] ids = ramp(100_000);
        RandomOffsetSampler train = new RandomOffsetSampler(Split.TRAIN, ids, 8, 4, 1);
        RandomOffsetSampler val = new RandomOffsetSampler(Split.VAL, ids, 8, 4, 1);
        RandomOffsetSampler otherSeed = new RandomOffsetSampler(Split.TRAIN, ids, 8, 4, 2);
        assertFalse(Arrays.equals(train.offsets(0), val.offsets(0)));
        assertFalse(Arrays.equals(train.offsets(0), otherSeed.offsets(0)));
        assertFalse(Arrays.equals(train.offsets(3), train.evalOffsets(3, 0)));
        assertFalse(Arrays.equals(train.evalOffsets(0, 0), train.evalOffsets(0, 1)));
        assertFalse(Arrays.equals(train.evalOffsets(0, 0), train.evalOffsets(1, 0)));
        // evaluation batches are reproducible too
        assertEquals(val.evalBatch(7, 3), new RandomOffsetSampler(Split.VAL, ids, 8, 4, 1).evalBatch(7, 3));
    }

    @Test
    void estimateLossShape() {
        // the notebook's estimate_loss: eval_iters batches per split; here the caller averages
        int[] ids = ramp(300);
        RandomOffsetSampler val = new RandomOffsetSampler(Split.VAL, ids, 8, 2, 3);
        int evalIters = 5;
        double sum = 0;
        for (int i = 0; i < evalIters; i++) {
            Batch b = val.evalBatch(0, i);
            sum += Arrays.stream(b.targets()).average().orElseThrow(); // stand-in for the model's loss
        }
        double mean = sum / evalIters;
        assertTrue(mean > 1000 && mean < 1300);
    }

    @Test
    void tooShort() {
        DatasetTooShortException e = assertThrows(DatasetTooShortException.class,
                () -> new RandomOffsetSampler(Split.VAL, ramp(64), 64, 4, 1));
        assertEquals("validation split has 64 tokens, but one window needs 65 (--context 64 + 1);"
                + " lower --context or raise the validation share of --split", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RandomOffsetSampler(Split.TRAIN, ramp(64), 8, 0, 1));
        RandomOffsetSampler s = new RandomOffsetSampler(Split.TRAIN, ramp(64), 8, 1, 1);
        assertThrows(IndexOutOfBoundsException.class, () -> s.gather(new int[] {56}));
        assertEquals(1063, s.gather(new int[] {55}).target(0, 7)); // ids[55 + 1 + 7], the last id
    }
}
