package org.tornadogpt.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tornadogpt.model.GptConfig;
import org.tornadogpt.model.GptModel;
import org.tornadogpt.testutil.Fixtures;
import org.tornadogpt.testutil.WeightFiles;
import org.tornadogpt.testutil.WeightFiles.Contents;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/** Every supported form of the weights loads to the same parameters; the config comes from the right place. */
class ModelLoaderTest {
    @TempDir
    Path dir;

    static Path fixture(String name) {
        return Fixtures.dir().resolve(name);
    }

    static GptModel reference(String name) {
        return Fixtures.all().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow().loadModel();
    }

    static void assertSameParams(GptModel want, GptModel got) {
        assertEquals(want.config(), got.config());
        FloatArray a = want.params(), b = got.params();
        assertEquals(a.getSize(), b.getSize());
        for (int i = 0; i < a.getSize(); i++) {
            if (Float.floatToIntBits(a.get(i)) != Float.floatToIntBits(b.get(i)))
                throw new AssertionError("parameter " + i + ": " + a.get(i) + " != " + b.get(i));
        }
    }

    /** The gpt2_tiny weights without metadata (so the config must come from elsewhere). */
    Contents bare() {
        return WeightFiles.read(fixture("gpt2_tiny.weights.safetensors")).withMetadata(Map.of());
    }

    @Test
    void safetensorsFixturesLoadWithConfigFromMetadata() throws IOException {
        for (String name : List.of("gpt2_tiny", "scratch_tiny", "gpt2_odd")) {
            LoadedModel lm = ModelLoader.load(fixture(name + ".weights.safetensors"));
            assertSameParams(reference(name), lm.model());
            assertTrue(lm.configSource().contains("n_heads " + lm.model().config().nHeads() + " from the metadata"), lm.configSource());
        }
        assertEquals("scratch", ModelLoader.load(fixture("scratch_tiny.weights.safetensors")).model().config().layoutName());
    }

    @Test
    void llmcBinMatchesSafetensorsAndDropsPaddedRows() throws IOException {
        for (String name : List.of("gpt2_tiny", "gpt2_odd")) {
            LoadedModel lm = ModelLoader.load(fixture(name + ".llmc_v3.bin"));
            assertSameParams(reference(name), lm.model());
            assertTrue(lm.format().startsWith("llm.c v3"), lm.format());
            assertTrue(lm.format().contains("padded vocabulary rows dropped"), lm.format());
        }
    }

    @Test
    void shardedCheckpointThroughIndexAndDirectory() throws IOException {
        Contents all = bare();
        List<WeightFiles.Tensor> first = new ArrayList<>(), second = new ArrayList<>();
        Map<String, String> weightMap = new HashMap<>();
        for (WeightFiles.Tensor t : all.tensors()) {
            boolean one = t.name().startsWith("h.1.") || t.name().startsWith("ln_f");
            (one ? second : first).add(t);
            weightMap.put(t.name(), one ? "model-00002-of-00002.safetensors" : "model-00001-of-00002.safetensors");
        }
        WeightFiles.write(dir.resolve("model-00001-of-00002.safetensors"), new Contents(Map.of("format", "pt"), first));
        WeightFiles.write(dir.resolve("model-00002-of-00002.safetensors"), new Contents(Map.of("format", "pt"), second));
        StringBuilder json = new StringBuilder("{\"metadata\": {\"total_size\": 112128}, \"weight_map\": {");
        weightMap.forEach((k, v) -> json.append('"').append(k).append("\": \"").append(v).append("\","));
        json.setLength(json.length() - 1);
        json.append("}}");
        Files.writeString(dir.resolve("model.safetensors.index.json"), json);
        writeHfConfig(dir.resolve("config.json"), 64, 16, 32, 2, 4);
        GptModel want = reference("gpt2_tiny");
        assertSameParams(want, ModelLoader.load(dir.resolve("model.safetensors.index.json")).model());
        LoadedModel viaDir = ModelLoader.load(dir);
        assertSameParams(want, viaDir.model());
        assertTrue(viaDir.format().startsWith("sharded"), viaDir.format());
        assertTrue(viaDir.configSource().contains("n_heads 4 from config.json"), viaDir.configSource());
    }

    @Test
    void transformerPrefixAndMaskBuffersAreAccepted() throws IOException {
        Contents c = bare().map(t -> t.renamed("transformer." + t.name()))
                .plus(new WeightFiles.Tensor("transformer.h.0.attn.bias", new long[] {1, 1, 16, 16}, new float[256], DType.F32));
        Path f = WeightFiles.write(dir.resolve("model.safetensors"), c);
        assertSameParams(reference("gpt2_tiny"), ModelLoader.load(f, new LoadOptions(4, null)).model());
    }

    @Test
    void halfPrecisionTensorsAreConvertedOnLoad() throws IOException {
        GptModel ref = reference("gpt2_tiny");
        for (DType d : List.of(DType.F16, DType.BF16)) {
            Path f = WeightFiles.write(dir.resolve(d + ".safetensors"),
                    WeightFiles.read(fixture("gpt2_tiny.weights.safetensors")).map(t -> t.as(d)));
            GptModel m = ModelLoader.load(f).model();
            int exact = 0;
            for (int i = 0; i < ref.params().getSize(); i++) {
                float want = WeightFiles.roundTrip(ref.params().get(i), d);
                assertEquals(want, m.params().get(i), 0f, d + " parameter " + i);
                if (want == ref.params().get(i)) exact++;
            }
            assertTrue(exact < ref.params().getSize(), d + ": some values must actually have been rounded");
        }
    }

    @Test
    void explicitHeadsBeatConfigJsonWhichBeatsMetadata() throws IOException {
        // metadata says 4 heads, config.json says 2, the option says 8
        Path f = WeightFiles.write(dir.resolve("model.safetensors"), WeightFiles.read(fixture("gpt2_tiny.weights.safetensors")));
        assertEquals(4, ModelLoader.load(f).model().config().nHeads());
        writeHfConfig(dir.resolve("config.json"), 64, 16, 32, 2, 2);
        LoadedModel fromJson = ModelLoader.load(f);
        assertEquals(2, fromJson.model().config().nHeads());
        assertTrue(fromJson.configSource().contains("n_heads 2 from config.json"), fromJson.configSource());
        LoadedModel explicit = ModelLoader.load(f, new LoadOptions(8, null));
        assertEquals(8, explicit.model().config().nHeads());
        assertTrue(explicit.configSource().contains("n_heads 8 from the command line"), explicit.configSource());
    }

    @Test
    void headsAreRequiredWhenNothingGivesThemAndTheSizeIsUnknown() throws IOException {
        Path f = WeightFiles.write(dir.resolve("bare.safetensors"), bare());
        WeightFormatException e = assertThrows(WeightFormatException.class, () -> ModelLoader.load(f));
        assertTrue(e.getMessage().contains("bare.safetensors") && e.getMessage().contains("--heads"), e.getMessage());
        GptConfig cfg = ModelLoader.load(f, new LoadOptions(4, null)).model().config();
        assertEquals(new GptConfig(64, 16, 32, 4, 2, true, true), cfg);
    }

    @Test
    void knownGpt2SizesGiveTheHeadCount() {
        assertEquals(12, ModelLoader.knownHeads(768, 12));
        assertEquals(16, ModelLoader.knownHeads(1024, 24));
        assertEquals(20, ModelLoader.knownHeads(1280, 36));
        assertEquals(25, ModelLoader.knownHeads(1600, 48));
        assertNull(ModelLoader.knownHeads(32, 2));
    }

    @Test
    void bookStyleConfigJsonBesideBookLayout() throws IOException {
        Path f = WeightFiles.write(dir.resolve("gpt.safetensors"),
                WeightFiles.read(fixture("scratch_tiny.weights.safetensors")).withMetadata(Map.of()));
        Files.writeString(dir.resolve("config.json"), "{\"vocab_size\": 50, \"context_length\": 12, \"emb_dim\": 24, "
                + "\"n_heads\": 3, \"n_layers\": 2, \"drop_rate\": 0.0, \"qkv_bias\": false}");
        LoadedModel lm = ModelLoader.load(f);
        assertSameParams(reference("scratch_tiny"), lm.model());
        assertTrue(lm.format().contains("book"), lm.format());
    }

    @Test
    void internalNamesLoad() throws IOException {
        GptModel ref = reference("gpt2_tiny");
        SafetensorsWriter w = new SafetensorsWriter().putMetadata(ref.config().toMetadata());
        for (var t : ref.layout().tensors()) {
            long[] shape = java.util.Arrays.stream(t.shape()).asLongStream().toArray();
            w.add(t.name(), DType.F32, shape, ref.params().getSegment().asSlice(4L * t.offset(), 4L * t.size()));
        }
        Path f = dir.resolve("ours.safetensors");
        w.writeAtomically(f);
        LoadedModel lm = ModelLoader.load(f);
        assertSameParams(ref, lm.model());
        assertTrue(lm.format().contains("tornado-gpt names"), lm.format());
    }

    static void writeHfConfig(Path p, int v, int t, int c, int l, int h) throws IOException {
        Files.writeString(p, "{\"model_type\": \"gpt2\", \"vocab_size\": " + v + ", \"n_positions\": " + t + ", \"n_ctx\": " + t
                + ", \"n_embd\": " + c + ", \"n_layer\": " + l + ", \"n_head\": " + h + ", \"layer_norm_epsilon\": 1e-05}");
    }
}
