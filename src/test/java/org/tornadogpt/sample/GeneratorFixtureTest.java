package org.tornadogpt.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tornadogpt.model.GptModel;
import org.tornadogpt.runtime.Backend;
import org.tornadogpt.runtime.JvmBackend;
import org.tornadogpt.runtime.TornadoBackend;
import org.tornadogpt.testutil.Fixtures;
import org.tornadogpt.testutil.Fixtures.Fixture;
import org.tornadogpt.weights.SafetensorsFile;

/**
 * The generation engine against every fixture's greedy.ids and greedy.long.ids (exact), with and
 * without the KV cache, on the JVM backend and through the TornadoVM API (which proves the decode
 * and prefill programs' TaskGraph wiring, position array included).
 */
class GeneratorFixtureTest {

    static Stream<Arguments> cases() {
        return Fixtures.all().stream().flatMap(f -> Stream.of(
                Arguments.of(f, "jvm", true), Arguments.of(f, "jvm", false), Arguments.of(f, "tornado", true)));
    }

    @ParameterizedTest(name = "{0} on {1}, kv cache {2}")
    @MethodSource("cases")
    void greedyMatchesPyTorch(Fixture f, String backendName, boolean kv) {
        GptModel model = f.loadModel();
        try (SafetensorsFile exp = f.openExpected();
             Backend backend = backendName.equals("jvm") ? new JvmBackend(2, true) : new TornadoBackend();
             Generator g = new Generator(model, backend)) {
            for (String name : new String[] {"greedy.ids", "greedy.long.ids"}) {
                int[] want = exp.readInts(name);
                int[] prompt = Arrays.copyOf(exp.readInts("input_ids"), 4);
                assertArrayEquals(prompt, Arrays.copyOf(want, 4), name + " starts with input_ids[0, :4]");
                int n = want.length - 4;
                GenerationConfig gc = new GenerationConfig(n, -1, kv, SamplerConfig.greedy());
                int[] streamed = new int[n];
                int[] k = {0};
                int[] got = g.generate(prompt, gc, id -> streamed[k[0]++] = id);
                assertArrayEquals(want, got, f + " " + name);
                assertArrayEquals(Arrays.copyOfRange(want, 4, want.length), streamed, "streamed tokens");
                Generator.Stats s = g.lastStats();
                assertEquals(n, s.newTokens());
                if (kv) {
                    int tmax = model.config().contextLength();
                    // one prefill, then one position per token until the window slides
                    int decodes = Math.min(n, tmax - 4 + 1) - 1;
                    assertEquals(decodes, s.decodeSteps(), "decode steps");
                    assertEquals(n - decodes, s.prefills(), "prefills");
                } else {
                    assertEquals(0, s.decodeSteps());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
