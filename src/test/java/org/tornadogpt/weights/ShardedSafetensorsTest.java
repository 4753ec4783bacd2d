package org.tornadogpt.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardedSafetensorsTest {

    @TempDir
    Path tmp;

    private Path index;
    private final List<String> names = new ArrayList<>();

    /** Splits the gpt2_tiny weights over two shards and writes a Hugging Face style index. */
    @BeforeEach
    void split() throws IOException {
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = om.createObjectNode();
        root.putObject("metadata").put("total_size", 112128);
        ObjectNode wm = root.putObject("weight_map");
        try (SafetensorsFile f = SafetensorsFile.open(Fixtures.file("gpt2_tiny.weights.safetensors"))) {
            SafetensorsWriter a = new SafetensorsWriter().putMetadata("format", "pt");
            SafetensorsWriter b = new SafetensorsWriter().putMetadata("format", "pt");
            int i = 0;
            for (String n : f.names()) {
                names.add(n);
                boolean first = i++ % 2 == 0;
                (first ? a : b).addFloats(n, f.info(n).shape(), f.readFloats(n));
                wm.put(n, first ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
            }
            a.writeAtomically(tmp.resolve("model-00001-of-00002.safetensors"));
            b.writeAtomically(tmp.resolve("model-00002-of-00002.safetensors"));
        }
        index = tmp.resolve("model.safetensors.index.json");
        om.writeValue(index.toFile(), root);
    }

    @Test
    void presentsAllShardsLikeOneFile() throws IOException {
        try (ShardedSafetensors s = ShardedSafetensors.open(index);
             SafetensorsFile f = SafetensorsFile.open(Fixtures.file("gpt2_tiny.weights.safetensors"))) {
            assertEquals(2, s.shards().size());
            assertEquals("112128", s.metadata().get("total_size"));
            assertEquals(f.names(), s.names());
            for (String n : names) {
                assertArrayEquals(f.readFloats(n), s.readFloats(n), n);
                assertArrayEquals(f.info(n).shape(), s.info(n).shape());
                assertEquals(-1L, f.raw(n).mismatch(s.raw(n)));
            }
            assertArrayEquals(f.readFloatsTransposed("h.1.attn.c_attn.weight"), s.readFloatsTransposed("h.1.attn.c_attn.weight"));
            assertTrue(s.fileOf("wpe.weight").getFileName().toString().startsWith("model-0000"));
            // a TensorSource is interchangeable
            TensorSource src = s;
            assertTrue(src.contains("ln_f.bias"));
        }
    }

    private static void assertMessage(WeightFormatException e, String file, String tensor, String fragment) {
        String m = e.getMessage();
        assertFalse(m.contains("\n"), m);
        assertTrue(m.contains(file), "names the file: " + m);
        if (tensor != null) {
            assertTrue(m.contains("'" + tensor + "'"), "names the tensor: " + m);
        }
        assertTrue(m.contains(fragment), m);
    }

    @Test
    void missingTensorNamesTheIndex() throws IOException {
        try (ShardedSafetensors s = ShardedSafetensors.open(index)) {
            WeightFormatException e = assertThrows(WeightFormatException.class, () -> s.readFloats("lm_head.weight"));
            assertMessage(e, "model.safetensors.index.json", "lm_head.weight", "not found");
        }
    }

    @Test
    void indexErrors() throws IOException {
        Files.writeString(index, "{\"weight_map\": {");
        assertMessage(assertThrows(WeightFormatException.class, () -> ShardedSafetensors.open(index)),
                "model.safetensors.index.json", null, "malformed JSON");

        Files.writeString(index, "{\"metadata\": {}}");
        assertMessage(assertThrows(WeightFormatException.class, () -> ShardedSafetensors.open(index)),
                "model.safetensors.index.json", null, "no weight_map");

        Files.writeString(index, "{\"weight_map\": {\"wte.weight\": \"missing.safetensors\"}}");
        assertMessage(assertThrows(WeightFormatException.class, () -> ShardedSafetensors.open(index)),
                "model.safetensors.index.json", "wte.weight", "'missing.safetensors' not found");

        Files.writeString(index, "{\"weight_map\": {\"lm_head.weight\": \"model-00001-of-00002.safetensors\"}}");
        assertMessage(assertThrows(WeightFormatException.class, () -> ShardedSafetensors.open(index)),
                "model.safetensors.index.json", "lm_head.weight", "does not contain it");

        Files.writeString(index, "{\"weight_map\": {\"wte.weight\": \"../elsewhere.safetensors\"}}");
        assertMessage(assertThrows(WeightFormatException.class, () -> ShardedSafetensors.open(index)),
                "model.safetensors.index.json", "wte.weight", "outside");

        Files.writeString(index, "{\"weight_map\": {\"wte.weight\": 3}}");
        assertMessage(assertThrows(WeightFormatException.class, () -> ShardedSafetensors.open(index)),
                "model.safetensors.index.json", "wte.weight", "not a file name");
    }

    @Test
    void brokenShardNamesTheShard() throws IOException {
        Path shard = tmp.resolve("model-00002-of-00002.safetensors");
        byte[] b = Files.readAllBytes(shard);
        Files.write(shard, java.util.Arrays.copyOf(b, b.length - 4));
        WeightFormatException e = assertThrows(WeightFormatException.class, () -> ShardedSafetensors.open(index));
        assertMessage(e, "model-00002-of-00002.safetensors", null, "past the end");
    }

    @Test
    void wrongDtypeErrorNamesTheShard() throws IOException {
        Path shard = tmp.resolve("ints.safetensors");
        new SafetensorsWriter().add("ids", DType.I32, new long[] {2}, MemorySegment.ofArray(new int[] {1, 2})).writeAtomically(shard);
        Files.writeString(index, "{\"weight_map\": {\"ids\": \"ints.safetensors\"}}");
        try (ShardedSafetensors s = ShardedSafetensors.open(index)) {
            assertArrayEquals(new int[] {1, 2}, s.readInts("ids"));
            assertMessage(assertThrows(WeightFormatException.class, () -> s.readFloats("ids")), "ints.safetensors", "ids", "I32");
        }
    }
}
