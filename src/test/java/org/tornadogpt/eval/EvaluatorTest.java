package org.tornadogpt.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.tornadogpt.model.GptModel;
import org.tornadogpt.runtime.JvmBackend;
import org.tornadogpt.runtime.ModelRunner;
import org.tornadogpt.runtime.TornadoBackend;
import org.tornadogpt.testutil.Fixtures;
import org.tornadogpt.testutil.Fixtures.Fixture;
import org.tornadogpt.weights.SafetensorsFile;

/** The evaluation loss against the fixtures' reference loss and against the training forward pass. */
class EvaluatorTest {

    @Test
    void lossOfEachFixtureRowAveragesToTheReferenceLoss() throws IOException {
        for (Fixture f : Fixtures.all()) {
            GptModel model = f.loadModel();
            try (SafetensorsFile exp = f.openExpected(); JvmBackend jvm = new JvmBackend(2, true); TornadoBackend tornado = new TornadoBackend();
                 Evaluator ej = new Evaluator(model, jvm); Evaluator et = new Evaluator(model, tornado)) {
                long[] shape = exp.info("input_ids").shape();
                int B = (int) shape[0], T = (int) shape[1];
                int[] in = exp.readInts("input_ids"), tg = exp.readInts("target_ids");
                double sumJ = 0, sumT = 0;
                for (int b = 0; b < B; b++) {
                    // row b is one sequence of T+1 tokens: the inputs and the last target
                    int[] seq = Arrays.copyOf(Arrays.copyOfRange(in, b * T, (b + 1) * T), T + 1);
                    seq[T] = tg[(b + 1) * T - 1];
                    Evaluator.Result r = ej.evaluate(seq, T);
                    assertEquals(1, r.windows());
                    assertEquals(T, r.tokens());
                    assertEquals(Math.exp(r.loss()), r.perplexity(), 1e-9 * r.perplexity());
                    sumJ += r.loss();
                    sumT += et.evaluate(seq, T).loss();
                }
                float want = exp.readFloats("loss")[0];
                assertEquals(want, sumJ / B, 5e-5, f + " on the JVM backend");
                assertEquals(want, sumT / B, 5e-5, f + " through the TornadoVM API");
            }
        }
    }

    @Test
    void windowsCoverEveryTokenOnceWithAShorterLastWindow() {
        Fixture f = Fixtures.all().getFirst();
        GptModel model = f.loadModel();
        int Tmax = model.config().contextLength(), V = model.config().vocabSize();
        int[] tokens = new int[2 * Tmax + 6]; // windows of Tmax, Tmax and 5 predicted tokens
        for (int i = 0; i < tokens.length; i++) tokens[i] = (i * 7 + 3) % V;
        try (JvmBackend backend = new JvmBackend(2, true); Evaluator ev = new Evaluator(model, backend);
             ModelRunner runner = new ModelRunner(model, new JvmBackend(1, true))) {
            Evaluator.Result r = ev.evaluate(tokens);
            assertEquals(3, r.windows());
            assertEquals(tokens.length - 1, r.tokens());
            double nll = 0;
            int[][] windows = {{0, Tmax}, {Tmax, Tmax}, {2 * Tmax, 5}};
            for (int[] w : windows) {
                int[] in = Arrays.copyOfRange(tokens, w[0], w[0] + w[1]);
                int[] tg = Arrays.copyOfRange(tokens, w[0] + 1, w[0] + w[1] + 1);
                nll += runner.loss(in, tg, 1, w[1]) * (double) w[1];
            }
            assertEquals(nll / (tokens.length - 1), r.loss(), 1e-5);
            // a shorter window length gives more windows
            assertEquals((tokens.length - 1 + 6) / 7, ev.evaluate(tokens, 7).windows());
        }
    }

    @Test
    void rejectsBadInput() {
        GptModel model = Fixtures.all().getFirst().loadModel();
        try (JvmBackend backend = new JvmBackend(1, true); Evaluator ev = new Evaluator(model, backend)) {
            assertThrows(IllegalArgumentException.class, () -> ev.evaluate(new int[] {1}));
            assertThrows(IllegalArgumentException.class, () -> ev.evaluate(new int[] {1, 2, 99999}));
            assertThrows(IllegalArgumentException.class, () -> ev.evaluate(new int[] {1, 2, 3}, model.config().contextLength() + 1));
        }
    }
}
