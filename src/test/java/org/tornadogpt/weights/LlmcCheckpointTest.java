package org.tornadogpt.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tornadogpt.weights.LlmcCheckpoint.Kind;

class LlmcCheckpointTest {

    @TempDir
    Path tmp;

    private static final ValueLayout.OfFloat LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static float[] slice(float[] a, int from, int len) {
        return Arrays.copyOfRange(a, from, from + len);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2_tiny", "gpt2_odd"})
    void matchesTheHuggingFaceWeights(String fixture) throws IOException {
        try (LlmcCheckpoint ck = LlmcCheckpoint.open(Fixtures.file(fixture + ".llmc_v3.bin"));
             SafetensorsFile hf = SafetensorsFile.open(Fixtures.file(fixture + ".weights.safetensors"))) {
            LlmcCheckpoint.Config c = ck.config();
            assertEquals(3, ck.version());
            assertEquals(DType.F32, ck.dtype());
            assertEquals(Integer.parseInt(hf.metadata().get("vocab_size")), c.vocabSize());
            assertEquals(Integer.parseInt(hf.metadata().get("context_length")), c.maxSeqLen());
            assertEquals(Integer.parseInt(hf.metadata().get("emb_dim")), c.channels());
            assertEquals(Integer.parseInt(hf.metadata().get("n_heads")), c.numHeads());
            assertEquals(Integer.parseInt(hf.metadata().get("n_layers")), c.numLayers());
            assertEquals(0, c.paddedVocabSize() % 128);
            assertTrue(c.paddedVocabSize() >= c.vocabSize() && c.paddedVocabSize() - c.vocabSize() < 128);
            int C = c.channels();
            int V = c.vocabSize();

            // wte: rows 0..V-1 are the HF embedding, the padding rows are zero
            float[] wte = ck.readFloats(Kind.WTE);
            assertArrayEquals(hf.readFloats("wte.weight"), slice(wte, 0, V * C));
            for (int i = V * C; i < wte.length; i++) {
                assertEquals(0f, wte[i]);
            }
            assertArrayEquals(hf.readFloats("wpe.weight"), ck.readFloats(Kind.WPE));
            assertArrayEquals(hf.readFloats("ln_f.weight"), ck.readFloats(Kind.LNFW));
            assertArrayEquals(hf.readFloats("ln_f.bias"), ck.readFloats(Kind.LNFB));

            for (int l = 0; l < c.numLayers(); l++) {
                String h = "h." + l + ".";
                assertArrayEquals(hf.readFloats(h + "ln_1.weight"), ck.readFloats(Kind.LN1W, l));
                assertArrayEquals(hf.readFloats(h + "ln_1.bias"), ck.readFloats(Kind.LN1B, l));
                // llm.c qkvw[l] is [3C, C] = c_attn.weight^T
                assertArrayEquals(hf.readFloatsTransposed(h + "attn.c_attn.weight"), ck.readFloats(Kind.QKVW, l));
                assertArrayEquals(hf.readFloats(h + "attn.c_attn.bias"), ck.readFloats(Kind.QKVB, l));
                assertArrayEquals(hf.readFloatsTransposed(h + "attn.c_proj.weight"), ck.readFloats(Kind.ATTPROJW, l));
                assertArrayEquals(hf.readFloats(h + "attn.c_proj.bias"), ck.readFloats(Kind.ATTPROJB, l));
                assertArrayEquals(hf.readFloats(h + "ln_2.weight"), ck.readFloats(Kind.LN2W, l));
                assertArrayEquals(hf.readFloats(h + "ln_2.bias"), ck.readFloats(Kind.LN2B, l));
                assertArrayEquals(hf.readFloatsTransposed(h + "mlp.c_fc.weight"), ck.readFloats(Kind.FCW, l));
                assertArrayEquals(hf.readFloats(h + "mlp.c_fc.bias"), ck.readFloats(Kind.FCB, l));
                assertArrayEquals(hf.readFloatsTransposed(h + "mlp.c_proj.weight"), ck.readFloats(Kind.FCPROJW, l));
                assertArrayEquals(hf.readFloats(h + "mlp.c_proj.bias"), ck.readFloats(Kind.FCPROJB, l));
            }
            assertArrayEquals(new long[] {3L * C, C}, ck.layerShape(Kind.QKVW));
            assertArrayEquals(new long[] {c.numLayers(), C, 4L * C}, ck.shape(Kind.FCPROJW));

            // the HF parameter count plus the padded vocabulary rows
            long hfParams = 0;
            for (String n : hf.names()) {
                hfParams += hf.info(n).numElements();
            }
            assertEquals(hfParams + (long) (c.paddedVocabSize() - V) * C, ck.numParameters());
        }
    }

    @Test
    void segmentsAreReadOnlySlicesAndTransposeIntoAFlatBuffer() throws IOException {
        try (LlmcCheckpoint ck = LlmcCheckpoint.open(Fixtures.file("gpt2_tiny.llmc_v3.bin"));
             SafetensorsFile hf = SafetensorsFile.open(Fixtures.file("gpt2_tiny.weights.safetensors"));
             Arena arena = Arena.ofConfined()) {
            MemorySegment qkv0 = ck.layer(Kind.QKVW, 0);
            assertTrue(qkv0.isReadOnly());
            assertEquals(96L * 32 * 4, qkv0.byteSize());
            // the other engineer's use: transpose HF weights straight into a flat buffer at an offset
            MemorySegment flat = arena.allocate(64 + qkv0.byteSize());
            hf.readFloatsTransposedInto("h.0.attn.c_attn.weight", flat, 64);
            for (long i = 0; i < qkv0.byteSize() / 4; i++) {
                assertEquals(qkv0.getAtIndex(LE, i), flat.get(ValueLayout.JAVA_FLOAT, 64 + 4 * i));
            }
            MemorySegment all = arena.allocate(ck.tensor(Kind.FCB).byteSize());
            ck.readFloatsInto(Kind.FCB, all, 0);
            assertEquals(ck.layer(Kind.FCB, 1).getAtIndex(LE, 5), all.getAtIndex(ValueLayout.JAVA_FLOAT, 128 + 5));
            assertThrows(IllegalArgumentException.class, () -> ck.layer(Kind.WTE, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> ck.layer(Kind.LN1W, 2));
        }
    }

    /** Rounds float32 to bfloat16 (round to nearest even), as llm.c does when writing version 5. */
    private static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }

    @Test
    void readsVersion5Bfloat16() throws IOException {
        Path v3 = Fixtures.file("gpt2_tiny.llmc_v3.bin");
        byte[] in = Files.readAllBytes(v3);
        ByteBuffer src = ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN);
        int n = (in.length - 1024) / 4;
        ByteBuffer out = ByteBuffer.allocate(1024 + 2 * n).order(ByteOrder.LITTLE_ENDIAN);
        out.put(in, 0, 1024).putInt(4, 5);
        for (int i = 0; i < n; i++) {
            out.putShort(1024 + 2 * i, toBf16(src.getFloat(1024 + 4 * i)));
        }
        Path v5 = Files.write(tmp.resolve("gpt2_tiny_bf16.bin"), out.array());
        try (LlmcCheckpoint a = LlmcCheckpoint.open(v3); LlmcCheckpoint b = LlmcCheckpoint.open(v5)) {
            assertEquals(5, b.version());
            assertEquals(DType.BF16, b.dtype());
            assertEquals(a.config(), b.config());
            for (Kind k : Kind.values()) {
                float[] x = a.readFloats(k);
                float[] y = b.readFloats(k);
                assertEquals(x.length * 2L, b.tensor(k).byteSize());
                for (int i = 0; i < x.length; i++) {
                    assertEquals(Float.intBitsToFloat((toBf16(x[i]) & 0xffff) << 16), y[i]);
                    assertEquals(x[i], y[i], Math.abs(x[i]) * 0x1p-8f, k + "[" + i + "]");
                }
            }
        }
    }

    // ---------------------------------------------------------------- validation

    private byte[] fixture() throws IOException {
        return Files.readAllBytes(Fixtures.file("gpt2_tiny.llmc_v3.bin"));
    }

    private WeightFormatException fails(String name, byte[] content, String... fragments) throws IOException {
        Path p = Files.write(tmp.resolve(name), content);
        WeightFormatException e = assertThrows(WeightFormatException.class, () -> LlmcCheckpoint.open(p).close());
        String m = e.getMessage();
        assertFalse(m.contains("\n"), m);
        assertTrue(m.contains(name), "names the file: " + m);
        for (String f : fragments) {
            assertTrue(m.contains(f), "mentions '" + f + "': " + m);
        }
        return e;
    }

    private static byte[] withInt(byte[] b, int index, int value) {
        byte[] c = b.clone();
        ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putInt(4 * index, value);
        return c;
    }

    @Test
    void shorterThanHeader() throws IOException {
        fails("short.bin", new byte[100], "100 bytes", "header");
    }

    @Test
    void badMagic() throws IOException {
        fails("magic.bin", withInt(fixture(), 0, 20240327), "magic", "20240327");
    }

    @Test
    void unsupportedVersion() throws IOException {
        fails("v4.bin", withInt(fixture(), 1, 4), "unsupported", "version 4");
        fails("v1.bin", withInt(fixture(), 1, 1), "version 1");
    }

    @Test
    void sizeMismatch() throws IOException {
        byte[] f = fixture();
        fails("trunc.bin", Arrays.copyOf(f, f.length - 4), "121340 bytes", "121344", "truncated");
        fails("trail.bin", Arrays.copyOf(f, f.length + 4), "trailing");
        // header claims one more layer than the data holds
        fails("layers.bin", withInt(f, 4, 3), "needs exactly");
        // Version 5 header on float32 data: the sizes no longer add up
        fails("v5.bin", withInt(f, 1, 5), "version 5", "trailing");
    }

    @Test
    void invalidHeaderFields() throws IOException {
        fails("zero.bin", withInt(fixture(), 6, 0), "C = 0", "not positive");
        fails("neg.bin", withInt(fixture(), 3, -64), "V = -64");
        fails("heads.bin", withInt(fixture(), 5, 5), "not a multiple");
        fails("vp.bin", withInt(fixture(), 7, 32), "Vp = 32");
        fails("huge.bin", withInt(withInt(withInt(fixture(), 5, 1), 7, Integer.MAX_VALUE), 6, Integer.MAX_VALUE), "overflow");
    }
}
