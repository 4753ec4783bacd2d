package org.tornadogpt.graphs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.tornadogpt.model.GptConfig;
import org.tornadogpt.model.GptModel;

class InferenceGraphsTest {

    @Test
    void promptsArePaddedToPowerOfTwoBucketsCappedAtTheContext() {
        assertArrayEquals(new int[] {1, 2, 4, 8, 16, 32, 40}, InferenceGraphs.buckets(40));
        assertArrayEquals(new int[] {1, 2, 4, 8, 16}, InferenceGraphs.buckets(16));
        assertEquals(11, InferenceGraphs.buckets(1024).length);
        assertEquals(1, InferenceGraphs.bucket(1, 40));
        assertEquals(4, InferenceGraphs.bucket(3, 40));
        assertEquals(32, InferenceGraphs.bucket(17, 40));
        assertEquals(40, InferenceGraphs.bucket(33, 40));
        assertThrows(IllegalArgumentException.class, () -> InferenceGraphs.bucket(41, 40));
    }

    @Test
    void theMatrixProductsAreSeparateLaunchesWithFastPathIds() {
        GptModel m = new GptModel(GptConfig.gpt2(50, 8, 16, 2, 2));
        InferenceBuffers b = new InferenceBuffers(m.config(), 8, true, true);
        Program up = InferenceGraphs.buildUpload(m, b);
        Program dec = InferenceGraphs.buildDecode(m, b, up);
        Program pre = InferenceGraphs.buildPrefill(m, b, up, 4);
        List<String> decIds = dec.launches().stream().map(Launch::id).toList();
        List<String> preIds = pre.launches().stream().map(Launch::id).toList();
        for (int l = 0; l < 2; l++) {
            for (String op : TaskNames.LAYER_MATMULS) {
                assertTrue(decIds.contains(TaskNames.decode(TaskNames.layer(l, op))), decIds.toString());
                assertTrue(preIds.contains(TaskNames.prefill(TaskNames.layer(l, op))), preIds.toString());
            }
        }
        assertTrue(decIds.contains("dec_logits") && preIds.contains("pre_logits"));
        // the position is data (everyToDevice), not a captured primitive
        assertTrue(dec.everyToDeviceBuffers().contains(b.step));
        assertEquals(List.of(b.lastLogits), dec.everyToHostBuffers());
        assertEquals(up, dec.consumedBuffers().getFirst().producer());
    }
}
