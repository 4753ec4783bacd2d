package org.tornadogpt.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tornadogpt.Gpt;
import org.tornadogpt.sample.GenerationConfig;
import org.tornadogpt.sample.SamplerConfig;
import org.tornadogpt.testutil.Fixtures;
import org.tornadogpt.testutil.Fixtures.Fixture;
import org.tornadogpt.weights.SafetensorsFile;

/**
 * {@code generate --weights W --prompt-ids P --temperature 0 --max-new-tokens N --ids} reproduces
 * greedy.ids and greedy.long.ids of every fixture exactly, for the safetensors weights and (gpt2
 * fixtures) the llm.c .bin, with and without the KV cache; once through the command line
 * in-process and once through the library API. Prompt = input_ids[0, :4] (metadata greedy.prompt),
 * N = greedy.new_tokens / greedy.long.new_tokens.
 */
class GenerateFixtureTest {

    record Case(Fixture fixture, Path weights, boolean kv) {
        @Override
        public String toString() {
            return weights.getFileName() + (kv ? " with KV cache" : " without KV cache");
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Fixture f : Fixtures.all()) {
            List<Path> forms = new ArrayList<>(List.of(f.weights()));
            Path llmc = f.weights().resolveSibling(f.name() + ".llmc_v3.bin");
            if (Files.isRegularFile(llmc)) forms.add(llmc);
            for (Path w : forms)
                for (boolean kv : new boolean[] {true, false}) out.add(Arguments.of(new Case(f, w, kv)));
        }
        return out.stream();
    }

    /** greedy.ids / greedy.long.ids with their new-token counts from the metadata. */
    static List<int[]> expected(Fixture f, List<Integer> newTokens) {
        try (SafetensorsFile exp = f.openExpected()) {
            List<int[]> out = new ArrayList<>();
            out.add(exp.readInts("greedy.ids"));
            out.add(exp.readInts("greedy.long.ids"));
            newTokens.add(Integer.parseInt(exp.metadata().get("greedy.new_tokens")));
            newTokens.add(Integer.parseInt(exp.metadata().get("greedy.long.new_tokens")));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int[] prompt(Fixture f) {
        String p = f.meta("greedy.prompt"); // "input_ids[0,:4]"
        assertTrue(p.contains("input_ids[0") && p.contains(":4]"), "greedy.prompt is " + p);
        try (SafetensorsFile exp = f.openExpected()) {
            return Arrays.copyOf(exp.readInts("input_ids"), 4);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void commandLineReproducesGreedyIds(Case c) {
        List<Integer> ns = new ArrayList<>();
        List<int[]> want = expected(c.fixture(), ns);
        String promptIds = Arrays.stream(prompt(c.fixture())).mapToObj(Integer::toString).collect(Collectors.joining(","));
        for (int i = 0; i < want.size(); i++) {
            List<String> args = new ArrayList<>(List.of("generate", "--weights", c.weights().toString(), "--prompt-ids", promptIds,
                    "--temperature", "0", "--max-new-tokens", Integer.toString(ns.get(i)), "--ids"));
            if (!c.kv()) args.add("--no-kv-cache");
            Cli r = Cli.run(args.toArray(String[]::new));
            assertEquals(0, r.code(), r.toString());
            String expectedLine = Arrays.stream(want.get(i)).mapToObj(Integer::toString).collect(Collectors.joining(","));
            assertEquals(expectedLine + System.lineSeparator(), r.out(), c + " " + (i == 0 ? "greedy.ids" : "greedy.long.ids"));
            assertEquals("", r.err());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void libraryReproducesGreedyIds(Case c) throws IOException {
        List<Integer> ns = new ArrayList<>();
        List<int[]> want = expected(c.fixture(), ns);
        try (Gpt gpt = Gpt.load(c.weights())) {
            for (int i = 0; i < want.size(); i++) {
                GenerationConfig gc = new GenerationConfig(ns.get(i), GenerationConfig.GPT2_EOS, c.kv(), SamplerConfig.greedy());
                List<Integer> streamed = new ArrayList<>();
                int[] got = gpt.generate(prompt(c.fixture()), gc, (id, text) -> streamed.add(id));
                assertArrayEquals(want.get(i), got, c.toString());
                assertEquals(ns.get(i), streamed.size());
                assertEquals(want.get(i)[4], streamed.get(0));
            }
        }
    }
}
