package org.tornadogpt.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tornadogpt.graphs.Launch;
import org.tornadogpt.graphs.Program;
import org.tornadogpt.runtime.JvmBackend;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/** The counter-hash dropout: rate, scale, independence of sites and steps, rate 0. */
class DropoutKernelsTest {

    static IntArray state(double p, int step, long seed) {
        IntArray s = new IntArray(StepSlots.INTS);
        s.set(StepSlots.STEP, step);
        s.set(StepSlots.SEED_LO, (int) seed);
        s.set(StepSlots.SEED_HI, (int) (seed >>> 32));
        s.set(StepSlots.DROP_THRESHOLD, DropoutKernels.threshold(p));
        return s;
    }

    static FloatArray dropOnes(int n, IntArray state, int site) {
        FloatArray x = new FloatArray(n);
        x.init(1f);
        try (JvmBackend be = new JvmBackend(2, false)) {
            be.run(new Program("drop").add(Launch.of("drop", DropoutKernels::forward, 0, n, x, 0, state, site)));
        }
        return x;
    }

    @ParameterizedTest(name = "p = {0}")
    @ValueSource(doubles = {0.05, 0.1, 0.5, 0.9})
    void zeroesAboutPOfTheElementsAndScalesTheRestByOneOverOneMinusP(double p) {
        int n = 1 << 20;
        FloatArray x = dropOnes(n, state(p, 3, 12345), DropoutKernels.attnProjSite(2));
        float scale = (float) (1 / (1 - p));
        int zeros = 0;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float v = x.get(i);
            if (v == 0f) zeros++;
            else assertEquals(scale, v, 1e-6f * scale, "kept elements are scaled by 1/(1-p)");
            sum += v;
        }
        double sigma = Math.sqrt(p * (1 - p) / n);
        assertEquals(p, (double) zeros / n, 6 * sigma, "fraction dropped");
        assertEquals(1.0, sum / n, 6 * sigma * scale, "the expectation is preserved");
    }

    @Test
    void masksDependOnSeedStepSiteAndElementOnly() {
        int n = 4096;
        FloatArray a = dropOnes(n, state(0.5, 7, 1), 4);
        FloatArray same = dropOnes(n, state(0.5, 7, 1), 4);
        for (int i = 0; i < n; i++) assertEquals(a.get(i), same.get(i));
        for (FloatArray other : new FloatArray[] {dropOnes(n, state(0.5, 8, 1), 4), dropOnes(n, state(0.5, 7, 2), 4),
                dropOnes(n, state(0.5, 7, 1), 5), dropOnes(n, state(0.5, 7, 1L << 32 | 1), 4)}) {
            int agree = 0;
            for (int i = 0; i < n; i++) if (a.get(i) == other.get(i)) agree++;
            // independent masks agree on about half of the elements
            assertTrue(Math.abs(agree - n / 2) < 6 * Math.sqrt(n / 4.0), "agreement " + agree + " of " + n);
        }
        // no short-range pattern: neighbours are as often equal as not
        int runs = 0;
        for (int i = 1; i < n; i++) if (a.get(i) == a.get(i - 1)) runs++;
        assertTrue(Math.abs(runs - n / 2) < 6 * Math.sqrt(n / 4.0), "neighbour agreement " + runs);
    }

    @Test
    void rateZeroKeepsEverythingWithScaleExactlyOne() {
        FloatArray x = new FloatArray(1000);
        for (int i = 0; i < 1000; i++) x.set(i, (float) Math.sin(i) * 1e3f);
        FloatArray y = new FloatArray(1000);
        for (int i = 0; i < 1000; i++) y.set(i, x.get(i));
        try (JvmBackend be = new JvmBackend(2, false)) {
            be.run(new Program("drop").add(Launch.of("drop", DropoutKernels::forward, 0, 1000, y, 0, state(0, 1, 5), 0)));
        }
        for (int i = 0; i < 1000; i++) assertEquals(x.get(i), y.get(i));
        assertEquals(1f, DropoutKernels.keepScale(state(0, 1, 5), 3, 17));
    }

    @Test
    void rateMustBeBelowOne() {
        assertThrows(IllegalArgumentException.class, () -> DropoutKernels.threshold(1.0));
        assertThrows(IllegalArgumentException.class, () -> DropoutKernels.threshold(-0.1));
        assertThrows(IllegalArgumentException.class, () -> DropoutKernels.threshold(Double.NaN));
        assertEquals(0, DropoutKernels.threshold(0));
        assertEquals(1 << 23, DropoutKernels.threshold(0.5));
    }
}
