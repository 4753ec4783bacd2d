package org.tornadogpt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tornadogpt.testutil.Fixtures;
import org.tornadogpt.testutil.WeightFiles;
import org.tornadogpt.testutil.WeightFiles.Contents;
import org.tornadogpt.weights.DType;

/**
 * Broken weights through the command line: each gives exactly one stderr line
 * {@code tornado-gpt: <file>: ...} naming the problem (and the tensor where there is one), nothing
 * on stdout, no stack trace, and a non-zero exit code.
 */
class LoaderErrorsTest {
    @TempDir
    Path dir;

    static Path fixture(String name) {
        return Fixtures.dir().resolve(name);
    }

    Contents tiny() {
        return WeightFiles.read(fixture("gpt2_tiny.weights.safetensors"));
    }

    /** Runs generate on the weights and checks the one-line error; returns it. */
    static String fails(Path weights, String... extra) {
        String[] base = {"generate", "--weights", weights.toString(), "--prompt-ids", "1,2", "--max-new-tokens", "2", "--ids"};
        String[] args = Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        Cli r = Cli.run(args);
        assertEquals(1, r.code(), r.toString());
        assertEquals("", r.out(), r.toString());
        String[] lines = r.errLines();
        assertEquals(1, lines.length, "exactly one line: " + r);
        assertTrue(lines[0].startsWith("tornado-gpt: "), lines[0]);
        assertFalse(lines[0].contains("Exception"), lines[0]);
        return lines[0];
    }

    static void assertMentions(String line, String... parts) {
        for (String p : parts) assertTrue(line.contains(p), "'" + line + "' should mention '" + p + "'");
    }

    @Test
    void truncatedSafetensors() throws IOException {
        byte[] all = Files.readAllBytes(fixture("gpt2_tiny.weights.safetensors"));
        Path f = Files.write(dir.resolve("cut.safetensors"), Arrays.copyOf(all, all.length - 1000));
        assertMentions(fails(f), "cut.safetensors", "tensor '", "points past the end of the file");
    }

    @Test
    void headerLengthPastTheEnd() throws IOException {
        byte[] all = Files.readAllBytes(fixture("gpt2_tiny.weights.safetensors"));
        ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).putLong(0, all.length + 100L);
        Path f = Files.write(dir.resolve("longheader.safetensors"), all);
        assertMentions(fails(f), "longheader.safetensors", "header length", "points past the end of the file");
    }

    @Test
    void malformedJsonHeader() throws IOException {
        byte[] all = Files.readAllBytes(fixture("gpt2_tiny.weights.safetensors"));
        String header = new String(all, 8, 64, StandardCharsets.US_ASCII);
        int colon = header.indexOf(':');
        all[8 + colon] = '#';
        Path f = Files.write(dir.resolve("badjson.safetensors"), all);
        assertMentions(fails(f), "badjson.safetensors", "malformed JSON header", "line 1");
    }

    @Test
    void malformedConfigJson() throws IOException {
        Path f = WeightFiles.write(dir.resolve("model.safetensors"), tiny());
        Files.writeString(dir.resolve("config.json"), "{\"n_embd\": 32, \"n_head\": 4,");
        assertMentions(fails(f), "config.json", "malformed JSON config");
    }

    @Test
    void missingTensor() {
        Path f = WeightFiles.write(dir.resolve("missing.safetensors"), tiny().map(t -> t.name().equals("h.1.ln_2.bias") ? null : t));
        assertMentions(fails(f), "missing.safetensors", "tensor 'h.1.ln_2.bias' not found");
    }

    @Test
    void misnamedTensor() {
        Path f = WeightFiles.write(dir.resolve("misnamed.safetensors"),
                tiny().map(t -> t.name().equals("h.0.attn.c_attn.weight") ? t.renamed("h.0.attn.c_atn.weight") : t));
        assertMentions(fails(f), "misnamed.safetensors", "tensor 'h.0.attn.c_attn.weight' not found", "'h.0.attn.c_atn.weight'");
    }

    @Test
    void unexpectedExtraTensor() {
        Path f = WeightFiles.write(dir.resolve("extra.safetensors"),
                tiny().plus(new WeightFiles.Tensor("h.0.mlp.gate.weight", new long[] {2}, new float[2], DType.F32)));
        assertMentions(fails(f), "extra.safetensors", "tensor 'h.0.mlp.gate.weight' is not part of a gpt2 model");
    }

    @Test
    void wrongShape() {
        Path f = WeightFiles.write(dir.resolve("shape.safetensors"), tiny().map(t -> t.name().equals("h.0.mlp.c_fc.weight")
                ? new WeightFiles.Tensor(t.name(), new long[] {32, 100}, Arrays.copyOf(t.values(), 3200), DType.F32) : t));
        assertMentions(fails(f), "shape.safetensors", "tensor 'h.0.mlp.c_fc.weight' has shape [32, 100], expected [32, 128]");
    }

    @Test
    void wrongDtype() {
        Path f = WeightFiles.write(dir.resolve("dtype.safetensors"), tiny().map(t -> t.name().equals("ln_f.weight") ? t.as(DType.I32) : t));
        assertMentions(fails(f), "dtype.safetensors", "tensor 'ln_f.weight' has dtype I32");
    }

    @Test
    void configJsonContradictingTheTensors() throws IOException {
        Path f = WeightFiles.write(dir.resolve("model.safetensors"), tiny().withMetadata(Map.of()));
        Files.writeString(dir.resolve("config.json"), "{\"vocab_size\": 64, \"n_positions\": 16, \"n_embd\": 48, \"n_layer\": 2, "
                + "\"n_head\": 4, \"layer_norm_epsilon\": 1e-05}");
        assertMentions(fails(f), "model.safetensors", "tensor 'wte.weight' has shape [64, 32]", "contradicts n_embd = 48 from config.json");
        Files.writeString(dir.resolve("config.json"), "{\"vocab_size\": 64, \"n_positions\": 16, \"n_embd\": 32, \"n_layer\": 3, "
                + "\"n_head\": 4, \"layer_norm_epsilon\": 1e-05}");
        assertMentions(fails(f), "model.safetensors", "tensor 'h.2.ln_1.weight' not found", "n_layer = 3 from config.json");
        Files.writeString(dir.resolve("config.json"), "{\"vocab_size\": 64, \"n_positions\": 16, \"n_embd\": 32, \"n_layer\": 1, "
                + "\"n_head\": 4, \"layer_norm_epsilon\": 1e-05}");
        assertMentions(fails(f), "model.safetensors", "tensor 'h.1.ln_1.weight' belongs to layer 1", "n_layer = 1 from config.json");
    }

    @Test
    void metadataContradictingTheTensors() {
        Map<String, String> md = new java.util.HashMap<>(tiny().metadata());
        md.put("context_length", "32");
        Path f = WeightFiles.write(dir.resolve("meta.safetensors"), tiny().withMetadata(md));
        assertMentions(fails(f), "meta.safetensors", "tensor 'wpe.weight' has shape [16, 32]", "contradicts context_length = 32");
    }

    @Test
    void headsThatDoNotDivideTheWidth() {
        assertMentions(fails(fixture("gpt2_tiny.weights.safetensors"), "--heads", "5"), "gpt2_tiny.weights.safetensors",
                "n_heads = 5 does not divide the embedding size 32");
    }

    @Test
    void headsContradictingTheLlmcHeader() {
        assertMentions(fails(fixture("gpt2_tiny.llmc_v3.bin"), "--heads", "2"), "gpt2_tiny.llmc_v3.bin",
                "the llm.c header has NH = 4", "contradicts --heads = 2");
    }

    @Test
    void truncatedLlmcBin() throws IOException {
        byte[] all = Files.readAllBytes(fixture("gpt2_tiny.llmc_v3.bin"));
        Path f = Files.write(dir.resolve("cut.bin"), Arrays.copyOf(all, all.length - 4));
        assertMentions(fails(f), "cut.bin", "truncated");
    }

    @Test
    void pytorchPickle() throws IOException {
        Path f = Files.write(dir.resolve("pytorch_model.bin"), new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0});
        assertMentions(fails(f), "pytorch_model.bin", "PyTorch pickle");
    }

    @Test
    void missingFileAndEmptyDirectory() throws IOException {
        assertMentions(fails(dir.resolve("nope.safetensors")), "nope.safetensors", "not found");
        Files.createDirectories(dir.resolve("empty"));
        assertMentions(fails(dir.resolve("empty")), "empty", "no model.safetensors");
    }

    @Test
    void verboseAddsTheStackTrace() {
        Cli r = Cli.run("generate", "--weights", dir.resolve("nope.bin").toString(), "--prompt-ids", "1", "--verbose");
        assertEquals(1, r.code());
        assertTrue(r.errLines().length > 1, r.toString());
        assertTrue(r.errLines()[0].startsWith("tornado-gpt: "), r.toString());
    }

    @Test
    void unknownOptionIsAUsageError() {
        Cli r = Cli.run("generate", "--weights", fixture("gpt2_tiny.weights.safetensors").toString(), "--temprature", "0");
        assertEquals(2, r.code(), r.toString());
        assertEquals("", r.out());
        String[] lines = r.errLines();
        assertEquals(1, lines.length, r.toString());
        assertEquals("tornado-gpt: unknown option '--temprature' (did you mean --temperature?); try 'tornado-gpt generate --help'", lines[0]);
        Cli bad = Cli.run("generate", "--weights", "x", "--prompt-ids", "1,a");
        assertEquals(2, bad.code(), bad.toString());
        assertTrue(bad.errLines()[0].startsWith("tornado-gpt: Invalid value for option '--prompt-ids'"), bad.toString());
    }
}
