package org.tornadogpt.data;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

class DeterministicRandomTest {

    @Test
    void isSplitMix64() {
        // SplitMix64's published first outputs for seed 0; pins the algorithm, since saved runs
        // depend on it to recompute shuffles after a resume
        DeterministicRandom r = new DeterministicRandom(0);
        assertEquals(0xE220A8397B1DCDAFL, r.nextLong());
        assertEquals(0x6E789E6AA1B965F4L, r.nextLong());
        assertEquals(0x06C45D188009454FL, r.nextLong());
    }

    @Test
    void deriveDependsOnEveryKeyAndOrder() {
        long a = DeterministicRandom.derive(1, 2, 3).nextLong();
        assertEquals(a, DeterministicRandom.derive(1, 2, 3).nextLong());
        assertNotEquals(a, DeterministicRandom.derive(1, 3, 2).nextLong());
        assertNotEquals(a, DeterministicRandom.derive(1, 2, 4).nextLong());
        assertNotEquals(a, DeterministicRandom.derive(1, 2).nextLong());
    }

    @Test
    void boundsAndPermutations() {
        DeterministicRandom r = new DeterministicRandom(42);
        for (int i = 0; i < 10_000; i++) {
            int bound = 1 + (i % 37);
            int v = r.nextInt(bound);
            assertTrue(v >= 0 && v < bound);
            double d = r.nextDouble();
            assertTrue(d >= 0 && d < 1);
        }
        assertEquals(0, r.nextInt(1));
        assertThrows(IllegalArgumentException.class, () -> r.nextInt(0));
        int[] p = r.permutation(1000);
        int[] sorted = p.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 1000; i++) {
            assertEquals(i, sorted[i]);
        }
        assertArrayEquals(new int[0], r.permutation(0));
        assertArrayEquals(new int[] {0}, r.permutation(1));
    }
}
