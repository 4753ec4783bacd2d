package org.tornadogpt.runtime.jvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tornadogpt.model.GptConfig;
import org.tornadogpt.model.GptModel;
import org.tornadogpt.runtime.AdamWConfig;
import org.tornadogpt.runtime.JvmBackend;
import org.tornadogpt.runtime.TrainingSession;

/**
 * The fast paths give the same bits whether their code runs interpreted, in C1 or in C2 (so a
 * resumed run reproduces the uninterrupted one): the same training steps from the same start,
 * first while the JVM is cold, then again after many steps have compiled everything, must agree
 * exactly. (A JIT-dependent operation, such as the Vector API's lane reduction or its EXP/TANH
 * operators, made these differ in the last bits.)
 */
class FastPathsDeterminismTest {

    static float[] run(GptConfig cfg, int steps) {
        GptModel m = new GptModel(cfg).initialize(5);
        Random r = new Random(9);
        int B = 2, T = 16;
        int[] x = new int[B * T], y = new int[B * T];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextInt(cfg.vocabSize());
            y[i] = r.nextInt(cfg.vocabSize());
        }
        float[] out = new float[steps + 1];
        try (JvmBackend be = new JvmBackend(2, true); TrainingSession s = new TrainingSession(m, be, B, T, AdamWConfig.defaults(), 0.1f, 3)) {
            for (int i = 0; i < steps; i++) out[i] = s.step(x, y, 1e-3f);
            s.syncToHost();
            double sum = 0;
            for (int i = 0; i < m.params().getSize(); i++) sum += m.params().get(i) * (1 + i % 7);
            out[steps] = (float) sum;
        }
        return out;
    }

    @Test
    void coldAndCompiledRunsGiveTheSameBits() {
        GptConfig cfg = new GptConfig(301, 32, 48, 3, 2, true, true);
        float[] cold = run(cfg, 3);
        for (int warm = 0; warm < 6; warm++) run(cfg, 40); // compile the leaves
        float[] hot = run(cfg, 3);
        assertTrue(Float.isFinite(cold[0]));
        assertArrayEquals(cold, hot);
    }
}
