package org.tornadogpt.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The two initialisation schemes: distributions per tensor, seeds, defaults per layout. */
class GptModelInitTest {
    static final GptConfig SCRATCH = GptConfig.scratch(500, 64, 96, 4, 2);
    static final GptConfig GPT2 = GptConfig.gpt2(500, 64, 96, 4, 2);

    static double[] stats(GptModel m, String name) {
        var t = m.layout().tensor(name);
        double sum = 0, sq = 0, maxAbs = 0;
        for (int i = 0; i < t.size(); i++) {
            double v = m.params().get(t.offset() + i);
            sum += v;
            sq += v * v;
            maxAbs = Math.max(maxAbs, Math.abs(v));
        }
        double mean = sum / t.size();
        return new double[] {mean, Math.sqrt(sq / t.size() - mean * mean), maxAbs};
    }

    @Test
    void torchInitMatchesPyTorchModuleDefaults() {
        GptModel m = new GptModel(SCRATCH).initialize(123, GptModel.Init.TORCH);
        double[] wte = stats(m, "wte");
        assertEquals(1.0, wte[1], 0.03, "nn.Embedding ~ N(0, 1)");
        assertEquals(1.0, stats(m, "wpe")[1], 0.05);
        double bound = 1 / Math.sqrt(96);
        double[] qkv = stats(m, "h.0.attn.qkv.weight");
        assertTrue(qkv[2] <= bound, "nn.Linear weight within 1/sqrt(fan_in)");
        assertEquals(bound / Math.sqrt(3), qkv[1], 0.02 * bound, "uniform std = bound / sqrt(3)");
        double[] proj = stats(m, "h.1.mlp.proj.weight");
        assertTrue(proj[2] <= 1 / Math.sqrt(4 * 96), "fan_in of the down projection is 4C");
        assertTrue(stats(m, "h.0.mlp.fc.bias")[2] > 0, "linear biases are drawn, not zero");
        assertEquals(0.0, stats(m, "h.0.ln1.bias")[2], 0.0);
        assertEquals(1.0, m.params().get(m.layout().lnfWeight()), 0.0);
        assertEquals(bound / Math.sqrt(3), stats(m, "lm_head")[1], 0.02 * bound);
    }

    @Test
    void gpt2InitUsesSmallNormalsAndScaledResidualProjections() {
        GptModel m = new GptModel(GPT2).initialize(123, GptModel.Init.GPT2);
        assertEquals(0.02, stats(m, "wte")[1], 0.001);
        assertEquals(0.02 / Math.sqrt(2 * 2), stats(m, "h.1.attn.proj.weight")[1], 0.001);
        assertEquals(0.0, stats(m, "h.0.attn.qkv.bias")[2], 0.0);
    }

    @Test
    void defaultsFollowTheLayoutAndSeedsAreReproducible() {
        assertEquals(GptModel.Init.TORCH, GptModel.Init.defaultFor(SCRATCH));
        assertEquals(GptModel.Init.GPT2, GptModel.Init.defaultFor(GPT2));
        float[] a = new GptModel(SCRATCH).initialize(7).params().toHeapArray();
        float[] b = new GptModel(SCRATCH).initialize(7, GptModel.Init.TORCH).params().toHeapArray();
        assertArrayEquals(a, b);
        assertNotEquals(a[3], new GptModel(SCRATCH).initialize(8).params().get(3));
        assertThrows(IllegalArgumentException.class, () -> GptModel.Init.parse("xavier"));
    }
}
