package org.tornadogpt.graphs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tornadogpt.model.GptConfig;
import org.tornadogpt.model.GptModel;
import org.tornadogpt.runtime.Backend;
import org.tornadogpt.runtime.JvmBackend;
import org.tornadogpt.runtime.ModelRunner;
import org.tornadogpt.runtime.TornadoBackend;
import org.tornadogpt.testutil.ReferenceGpt;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/** The whole forward program against the plain double-precision reference on odd shapes. */
class ForwardGraphTest {

    static Stream<Arguments> shapes() {
        return Stream.of(
                // name, config, B, T
                Arguments.of("T=1 one head C=5", new GptConfig(11, 4, 5, 1, 1, true, true), 1, 1),
                Arguments.of("odd C=12 NH=3 untied no-bias", new GptConfig(17, 9, 12, 3, 2, false, false), 2, 7),
                Arguments.of("bigram L=0", new GptConfig(13, 6, 8, 2, 0, true, false), 3, 5),
                Arguments.of("C=72 NH=6 T=37", new GptConfig(301, 40, 72, 6, 1, true, true), 1, 37));
    }

    @ParameterizedTest(name = "{0} on {4}")
    @MethodSource("withBackends")
    void logitsAndLossMatchReference(String name, GptConfig cfg, int B, int T, String backendName) {
        GptModel m = new GptModel(cfg).initialize(7);
        perturbNorms(m); // initialised layer norms are 1/0: make them non-trivial
        Random rnd = new Random(3);
        int[] ids = new int[B * T], tg = new int[B * T];
        for (int i = 0; i < ids.length; i++) { ids[i] = rnd.nextInt(cfg.vocabSize()); tg[i] = rnd.nextInt(cfg.vocabSize()); }
        float[] p = m.params().toHeapArray();
        double[] ref = ReferenceGpt.logits(cfg, p, ids, B, T);
        double refLoss = ReferenceGpt.loss(ref, tg, cfg.vocabSize());
        Backend be = backendName.equals("jvm") ? new JvmBackend(2, true) : new TornadoBackend();
        try (ModelRunner r = new ModelRunner(m, be)) {
            FloatArray lg = r.logits(ids, B, T);
            double maxErr = 0;
            for (int i = 0; i < ref.length; i++) maxErr = Math.max(maxErr, Math.abs(lg.get(i) - ref[i]));
            assertTrue(maxErr < 2e-5, "max logits error " + maxErr);
            float loss = r.loss(ids, tg, B, T);
            assertEquals(refLoss, loss, 2e-5);
            assertTrue(refLoss > 0.5, "loss should be near ln V for random weights, was " + refLoss);
        }
    }

    static Stream<Arguments> withBackends() {
        return shapes().flatMap(a -> Stream.of("jvm", "tornado").map(b -> {
            Object[] x = a.get();
            return Arguments.of(x[0], x[1], x[2], x[3], b);
        }));
    }

    static void perturbNorms(GptModel m) {
        Random r = new Random(11);
        for (var t : m.layout().tensors()) {
            if (t.name().contains("ln") || t.name().endsWith(".bias")) {
                for (int i = 0; i < t.size(); i++) m.params().set(t.offset() + i, m.params().get(t.offset() + i) + (float) (0.1 * r.nextGaussian()));
            }
        }
    }
}
