package org.tornadogpt.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tornadogpt.Gpt;
import org.tornadogpt.TokenListener;
import org.tornadogpt.sample.GenerationConfig;
import org.tornadogpt.sample.SamplerConfig;
import org.tornadogpt.testutil.Fixtures;
import org.tornadogpt.testutil.RandomModels;
import org.tornadogpt.tokenizer.Gpt2Tokenizer;
import org.tornadogpt.weights.SafetensorsFile;

/** Sampling, EOS and text streaming through {@code generate} and the library. */
class GenerateBehaviourTest {
    @TempDir
    static Path dir;
    static Path gpt2Vocab;
    static final Path TINY = Fixtures.dir().resolve("gpt2_tiny.weights.safetensors");

    @BeforeAll
    static void writeModel() {
        gpt2Vocab = RandomModels.writeHf(RandomModels.TINY_GPT2_VOCAB, 5, dir.resolve("gpt2vocab"));
    }

    static int[] ids(String line) {
        return Arrays.stream(line.strip().split(",")).mapToInt(Integer::parseInt).toArray();
    }

    static int[] greedyIds() throws IOException {
        try (SafetensorsFile exp = SafetensorsFile.open(Fixtures.dir().resolve("gpt2_tiny.expected.safetensors"))) {
            return exp.readInts("greedy.ids");
        }
    }

    static Cli gen(String... extra) {
        List<String> a = new ArrayList<>(List.of("generate", "--weights", TINY.toString(), "--prompt-ids", "7,1,40,22", "--ids"));
        a.addAll(List.of(extra));
        Cli r = Cli.run(a.toArray(String[]::new));
        assertEquals(0, r.code(), r.toString());
        return r;
    }

    @Test
    void eosEndsGenerationEarly() throws IOException {
        int[] greedy = greedyIds(); // prompt (4) + 8 greedy tokens
        int eos = greedy[6];
        int stop = 4;
        while (greedy[stop] != eos) stop++;
        int[] want = Arrays.copyOf(greedy, stop + 1);
        String prompt = greedy[0] + "," + greedy[1] + "," + greedy[2] + "," + greedy[3];
        Cli r = Cli.run("generate", "--weights", TINY.toString(), "--prompt-ids", prompt, "-t", "0", "-n", "8", "--ids",
                "--eos-id", Integer.toString(eos));
        assertArrayEquals(want, ids(r.out()), r.toString());
        Cli all = Cli.run("generate", "--weights", TINY.toString(), "--prompt-ids", prompt, "-t", "0", "-n", "8", "--ids",
                "--eos-id", Integer.toString(eos), "--no-eos");
        assertArrayEquals(greedy, ids(all.out()), all.toString());
        try (Gpt gpt = Gpt.load(TINY)) {
            int[] got = gpt.generate(Arrays.copyOf(greedy, 4), GenerationConfig.greedy(8).withEosId(eos));
            assertArrayEquals(want, got);
            assertEquals(stop + 1 - 4, gpt.lastGenerationStats().newTokens());
        }
    }

    @Test
    void sameSeedSameTokensWithAndWithoutKvCache() {
        String a = gen("--seed", "123", "-n", "20", "--top-k", "20").out();
        String b = gen("--seed", "123", "-n", "20", "--top-k", "20").out();
        String c = gen("--seed", "124", "-n", "20", "--top-k", "20").out();
        String noKv = gen("--seed", "123", "-n", "20", "--top-k", "20", "--no-kv-cache").out();
        assertEquals(a, b);
        assertEquals(a, noKv);
        assertNotEquals(a, c);
        assertEquals(24, ids(a).length);
    }

    @Test
    void slidingWindowWithSampling() {
        // Tmax = 16: 30 new tokens slide the window 18 times; the KV cache and the full recompute agree
        String kv = gen("--seed", "9", "-n", "30", "--temperature", "0.7", "--top-p", "0.9").out();
        String full = gen("--seed", "9", "-n", "30", "--temperature", "0.7", "--top-p", "0.9", "--no-kv-cache").out();
        assertEquals(kv, full);
        assertEquals(34, ids(kv).length);
    }

    @Test
    void textIsStreamedAfterThePrompt() throws IOException {
        String prompt = "Every effort moves you";
        Cli idsRun = Cli.run("generate", "-w", gpt2Vocab.toString(), "--prompt", prompt, "--seed", "3", "-n", "12", "--no-eos", "--ids");
        assertEquals(0, idsRun.code(), idsRun.toString());
        int[] all = ids(idsRun.out());
        Gpt2Tokenizer tok = Gpt2Tokenizer.get();
        int[] promptIds = tok.encode(prompt);
        assertArrayEquals(promptIds, Arrays.copyOf(all, promptIds.length));
        String continuation = tok.decode(Arrays.copyOfRange(all, promptIds.length, all.length));
        Cli text = Cli.run("generate", "-w", gpt2Vocab.toString(), "--prompt", prompt, "--seed", "3", "-n", "12", "--no-eos");
        assertEquals(0, text.code(), text.toString());
        assertEquals(prompt + continuation + System.lineSeparator(), text.out());

        try (Gpt gpt = Gpt.load(gpt2Vocab)) {
            StringBuilder streamed = new StringBuilder();
            int[] count = {0};
            GenerationConfig gc = new GenerationConfig(12, -1, true, SamplerConfig.of(1.0, 3));
            String got = gpt.generate(prompt, gc, new TokenListener() {
                @Override
                public void onToken(int id, String t) {
                    streamed.append(t);
                    count[0]++;
                }

                @Override
                public void onFinish(String rest) {
                    streamed.append(rest);
                }
            });
            assertEquals(continuation, got);
            assertEquals(continuation, streamed.toString());
            assertEquals(12, count[0]);
        }
    }

    @Test
    void withoutAPromptGenerationStartsFromEndOfText() {
        Cli r = Cli.run("generate", "-w", gpt2Vocab.toString(), "--seed", "1", "-n", "3", "--no-eos", "--ids");
        assertEquals(0, r.code(), r.toString());
        int[] all = ids(r.out());
        assertEquals(4, all.length);
        assertEquals(50256, all[0]);
    }

    @Test
    void statsGoToStderr() {
        Cli r = gen("-t", "0", "-n", "3", "--stats");
        assertEquals(7, ids(r.out()).length);
        assertTrue(r.err().contains("tokens/s") && r.err().contains("peak heap"), r.err());
    }

    @Test
    void badSamplerSettingsAreUsageErrors() {
        Cli r = Cli.run("generate", "-w", TINY.toString(), "--prompt-ids", "1", "--top-p", "0");
        assertEquals(2, r.code(), r.toString());
        assertEquals("tornado-gpt: topP must be > 0 (>= 1 disables it): 0.0; try 'tornado-gpt generate --help'", r.errLines()[0]);
        assertEquals(1, r.errLines().length, r.toString());
        Cli v = Cli.run("generate", "-w", TINY.toString(), "--prompt-ids", "1,99", "--ids");
        assertEquals(2, v.code(), v.toString());
        assertTrue(v.errLines()[0].contains("prompt token id 99 is outside the model's vocabulary [0, 64)"), v.toString());
    }
}
