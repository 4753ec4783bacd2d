package org.tornadogpt.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tornadogpt.model.GptConfig;
import org.tornadogpt.model.GptModel;
import org.tornadogpt.tokenizer.CharTokenizer;
import org.tornadogpt.tokenizer.Tokenizer;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

class CheckpointTest {

    @TempDir
    Path tmp;

    private final CharTokenizer tok = CharTokenizer.fromText("hello world\n");
    private final GptConfig cfg = GptConfig.scratch(tok.vocabSize(), 8, 16, 2, 2);

    private static FloatArray ramp(int n, float scale) {
        FloatArray a = new FloatArray(n);
        for (int i = 0; i < n; i++) a.set(i, scale * (i % 97 - 48));
        return a;
    }

    @Test
    void roundTripsModelOptimizerTokenizerAndState() throws IOException {
        GptModel model = new GptModel(cfg).initialize(7);
        int p = model.layout().size();
        FloatArray m = ramp(p, 1e-3f), v = ramp(p, 1e-6f);
        Path file = tmp.resolve("ckpt.safetensors");
        Checkpoint.save(file, cfg, model.params(), m, v, tok.metadata(), Map.of("step", "12", "seed", "123"));

        try (Checkpoint c = Checkpoint.open(file)) {
            assertEquals(cfg, c.config());
            assertEquals(Map.of("step", "12", "seed", "123"), c.trainState());
            Tokenizer t = c.tokenizer();
            assertEquals(tok.vocabSize(), t.vocabSize());
            assertEquals("hello", t.decode(tok.encode("hello")));
            assertTrue(c.hasOptimizerState());
            GptModel back = c.loadModel();
            assertArrayEquals(model.params().toHeapArray(), back.params().toHeapArray());
            FloatArray m2 = new FloatArray(p), v2 = new FloatArray(p);
            c.loadOptimizerState(m2, v2);
            assertArrayEquals(m.toHeapArray(), m2.toHeapArray());
            assertArrayEquals(v.toHeapArray(), v2.toHeapArray());
        }
        // internal names are plain safetensors tensors
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertTrue(f.contains("h.1.mlp.fc.weight"));
            assertArrayEquals(new long[] {4 * 16, 16}, f.info("h.1.mlp.fc.weight").shape());
            assertEquals("char", f.metadata().get("tokenizer.kind"));
            assertEquals("scratch", f.metadata().get("model.variant"));
        }
    }

    @Test
    void modelOnlyFileHasNoOptimizerState() throws IOException {
        GptModel model = new GptModel(cfg).initialize(1);
        Path file = tmp.resolve("weights.safetensors");
        Checkpoint.save(file, cfg, model.params(), null, null, tok.metadata(), Map.of());
        try (Checkpoint c = Checkpoint.open(file)) {
            assertFalse(c.hasOptimizerState());
            int p = model.layout().size();
            IOException e = assertThrows(IOException.class, () -> c.loadOptimizerState(new FloatArray(p), new FloatArray(p)));
            assertTrue(e.getMessage().contains("no AdamW state"), e.getMessage());
        }
    }

    /** A channel that accepts some bytes and then fails, like a full disk. */
    private static WritableByteChannel failingAfter(WritableByteChannel ch, long limit) {
        return new WritableByteChannel() {
            long written;

            @Override
            public int write(ByteBuffer src) throws IOException {
                if (written + src.remaining() > limit) throw new IOException("No space left on device");
                int n = ch.write(src);
                written += n;
                return n;
            }

            @Override
            public boolean isOpen() {
                return ch.isOpen();
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        };
    }

    @Test
    void aFailingSaveLeavesThePreviousCheckpointReadable() throws IOException {
        GptModel first = new GptModel(cfg).initialize(1);
        int p = first.layout().size();
        Path file = tmp.resolve("ckpt-step2.safetensors");
        Checkpoint.save(file, cfg, first.params(), ramp(p, 1f), ramp(p, 2f), tok.metadata(), Map.of("step", "2"));
        byte[] before = Files.readAllBytes(file);

        GptModel second = new GptModel(cfg).initialize(2);
        IOException e = assertThrows(IOException.class, () -> Checkpoint.save(file, cfg, second.params(), ramp(p, 3f),
                ramp(p, 4f), tok.metadata(), Map.of("step", "4"), ch -> failingAfter(ch, 3000)));
        assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));

        assertArrayEquals(before, Files.readAllBytes(file), "previous checkpoint unchanged");
        try (Checkpoint c = Checkpoint.open(file)) {
            assertEquals("2", c.trainState().get("step"));
            assertArrayEquals(first.params().toHeapArray(), c.loadModel().params().toHeapArray());
        }
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void rejectsOtherSafetensorsFiles() throws IOException {
        Path file = tmp.resolve("other.safetensors");
        new SafetensorsWriter().putMetadata("format", "pt").addFloats("x", new long[] {1}, new float[] {1f}).writeAtomically(file);
        WeightFormatException e = assertThrows(WeightFormatException.class, () -> Checkpoint.open(file));
        assertTrue(e.getMessage().contains("not a tornado-gpt checkpoint"), e.getMessage());
    }

    @Test
    void rejectsATensorOfTheWrongShape() throws IOException {
        GptModel model = new GptModel(cfg).initialize(1);
        Path good = tmp.resolve("good.safetensors");
        Checkpoint.save(good, cfg, model.params(), null, null, tok.metadata(), Map.of());
        // same tensors, but metadata claims a wider model
        Path bad = tmp.resolve("bad.safetensors");
        try (SafetensorsFile f = SafetensorsFile.open(good)) {
            SafetensorsWriter w = new SafetensorsWriter().putMetadata(f.metadata()).putMetadata("model.emb_dim", "32");
            for (String n : f.names()) w.add(n, DType.F32, f.info(n).shape(), f.raw(n));
            w.writeAtomically(bad);
        }
        WeightFormatException e = assertThrows(WeightFormatException.class, () -> Checkpoint.open(bad));
        assertTrue(e.getMessage().contains("wte") && e.getMessage().contains("has shape"), e.getMessage());
    }
}
