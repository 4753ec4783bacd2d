package org.tornadogpt.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Learning-rate schedules against nanoGPT's get_lr written out by hand. */
class LrScheduleTest {

    @Test
    void constantIsConstant() {
        LrSchedule s = LrSchedule.constant(4e-4);
        assertEquals(4e-4, s.lr(0));
        assertEquals(4e-4, s.lr(123456));
    }

    @Test
    void warmupThenCosineToTheFloor() {
        LrSchedule s = LrSchedule.warmupCosine(6e-4, 10, 110, 6e-5);
        assertEquals(6e-4 * 1 / 11, s.lr(0), 1e-15);
        assertEquals(6e-4 * 10 / 11, s.lr(9), 1e-15);
        assertEquals(6e-4, s.lr(10), 1e-15);                       // decay starts at the peak
        assertEquals(6e-5 + 0.5 * (6e-4 - 6e-5), s.lr(60), 1e-15); // half way: cos(pi/2) = 0
        assertEquals(6e-5 + 0.5 * (1 + Math.cos(Math.PI * 0.25)) * (6e-4 - 6e-5), s.lr(35), 1e-15);
        assertEquals(6e-5, s.lr(110), 1e-15);
        assertEquals(6e-5, s.lr(111), 0);
        assertEquals(6e-5, s.lr(1_000_000), 0);
        for (int it = 11; it < 110; it++) assertEquals(true, s.lr(it) < s.lr(it - 1), "decreasing at " + it);
    }

    @Test
    void noWarmup() {
        LrSchedule s = LrSchedule.warmupCosine(1e-3, 0, 100, 0);
        assertEquals(1e-3, s.lr(0), 1e-18);
        assertEquals(0, s.lr(100), 1e-18);
    }

    @Test
    void rejectsBadSchedules() {
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.warmupCosine(1e-3, 10, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.warmupCosine(1e-3, -1, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.constant(-1));
    }
}
