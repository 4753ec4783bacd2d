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
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {

    @TempDir
    Path tmp;

    // ---------------------------------------------------------------- real fixtures

    @Test
    void readsFixtureHeaderMetadataAndTensors() throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(Fixtures.file("gpt2_tiny.weights.safetensors"))) {
            assertEquals("64", f.metadata().get("vocab_size"));
            assertEquals("32", f.metadata().get("emb_dim"));
            assertEquals("gpt2", f.metadata().get("variant"));
            assertFalse(f.names().contains("__metadata__"));
            TensorInfo wte = f.info("wte.weight");
            assertEquals(DType.F32, wte.dtype());
            assertArrayEquals(new long[] {64, 32}, wte.shape());
            assertEquals(64 * 32 * 4, wte.byteSize());
            assertArrayEquals(new long[] {32, 96}, f.info("h.0.attn.c_attn.weight").shape());
            assertArrayEquals(new long[] {128, 32}, f.info("h.1.mlp.c_proj.weight").shape());

            long params = 0;
            for (String n : f.names()) {
                params += f.info(n).numElements();
            }
            assertEquals(28032, params, "parameter count from the fixture README");

            float[] w = f.readFloats("wte.weight");
            assertEquals(64 * 32, w.length);
            MemorySegment raw = f.raw("wte.weight");
            assertEquals(w[37], raw.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 37));
            assertTrue(raw.isReadOnly());
            // LayerNorm weights of a freshly initialised GPT-2 are ones
            float[] ln = f.readFloats("ln_f.weight");
            assertEquals(32, ln.length);
        }
    }

    @Test
    void readsIntTensorsOfExpectedFixture() throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(Fixtures.file("gpt2_odd.expected.safetensors"))) {
            TensorInfo ids = f.info("input_ids");
            assertEquals(DType.I32, ids.dtype());
            assertArrayEquals(new long[] {2, 37}, ids.shape());
            int[] in = f.readInts("input_ids");
            int[] tg = f.readInts("target_ids");
            assertEquals(74, in.length);
            for (int v : in) {
                assertTrue(v >= 0 && v < 301, "token id " + v);
            }
            // targets are the inputs shifted left by one
            for (int b = 0; b < 2; b++) {
                for (int t = 0; t + 1 < 37; t++) {
                    assertEquals(in[b * 37 + t + 1], tg[b * 37 + t]);
                }
            }
            assertArrayEquals(new long[] {1}, f.info("loss").shape());
            float loss = f.readFloats("loss")[0];
            assertTrue(loss > 1 && loss < 20, "loss " + loss);
        }
    }

    @Test
    void readFloatsIntoWritesNativeFloatsAtOffset() throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(Fixtures.file("gpt2_tiny.weights.safetensors"));
             Arena arena = Arena.ofConfined()) {
            float[] expected = f.readFloats("h.0.attn.c_attn.bias");
            MemorySegment dst = arena.allocate(8 + expected.length * 4L + 8);
            f.readFloatsInto("h.0.attn.c_attn.bias", dst, 8);
            assertEquals(0f, dst.get(ValueLayout.JAVA_FLOAT, 4));
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], dst.get(ValueLayout.JAVA_FLOAT, 8 + 4L * i));
            }
            assertThrows(IndexOutOfBoundsException.class, () -> f.readFloatsInto("h.0.attn.c_attn.bias", dst, 24));
        }
    }

    @Test
    void transposedReadOfFixtureMatchesNaiveTranspose() throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(Fixtures.file("gpt2_odd.weights.safetensors"))) {
            String name = "h.1.mlp.c_fc.weight"; // [72, 288]: not a multiple of the tile size
            float[] w = f.readFloats(name);
            int rows = 72;
            int cols = 288;
            float[] t = f.readFloatsTransposed(name);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    assertEquals(w[r * cols + c], t[c * rows + r]);
                }
            }
        }
    }

    @Test
    void filesLargerThanTwoGigabytesAreMappedWithLongOffsets() throws IOException {
        long big = (1L << 31) + 8;
        String json = "{\"big\":{\"dtype\":\"U8\",\"shape\":[" + big + "],\"data_offsets\":[0," + big + "]},"
                + "\"tail\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[" + big + "," + (big + 8) + "]}}";
        Path p = StFiles.write(tmp.resolve("huge.safetensors"), json, new byte[0]);
        long dataStart = Files.size(p);
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(p.toFile(), "rw")) {
            raf.setLength(dataStart + big + 8); // sparse: no 2 GB actually written
            raf.seek(dataStart + big);
            raf.write(StFiles.floats(1.25f, -3.5f));
        }
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertEquals(big, f.raw("big").byteSize());
            assertArrayEquals(new float[] {1.25f, -3.5f}, f.readFloats("tail"));
            assertEquals(0, f.raw("big").get(ValueLayout.JAVA_BYTE, big - 1));
            WeightFormatException e = assertThrows(WeightFormatException.class, () -> f.readInts("big"));
            assertTrue(e.getMessage().contains("'big'") && e.getMessage().contains("too many"), e.getMessage());
        } finally {
            Files.delete(p);
        }
    }

    // ---------------------------------------------------------------- conversions

    private static final short[] F16_BITS = {
        0x3C00, (short) 0xC000, 0x7BFF, 0x0001, 0x03FF, 0x0400, 0x7C00, (short) 0xFC00, 0x7E00, (short) 0x8000, 0x3555, 0x0000,
    };
    private static final float[] F16_VALUES = {
        1f, -2f, 65504f, 0x1p-24f, 1023 * 0x1p-24f, 0x1p-14f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, -0f,
        0.333251953125f, 0f,
    };
    private static final short[] BF16_BITS = {
        0x3F80, (short) 0xC000, 0x7F80, (short) 0xFF80, 0x7FC0, 0x0001, 0x007F, (short) 0x8000, 0x4049, 0x7F7F, 0x0080, (short) 0x8001,
    };
    private static final float[] BF16_VALUES = {
        1f, -2f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 0x1p-133f, 127 * 0x1p-133f, -0f, 3.140625f,
        3.3895313892515355e38f, 0x1p-126f, -0x1p-133f,
    };

    private Path halfFile() throws IOException {
        Path p = tmp.resolve("half.safetensors");
        new SafetensorsWriter()
                .add("f16", DType.F16, new long[] {F16_BITS.length}, MemorySegment.ofArray(F16_BITS))
                .add("bf16", DType.BF16, new long[] {3, 4}, MemorySegment.ofArray(BF16_BITS))
                .writeAtomically(p);
        return p;
    }

    @Test
    void convertsF16AndBf16KnownValuesIncludingSubnormalsInfinityAndNaN() throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(halfFile())) {
            float[] h = f.readFloats("f16");
            float[] b = f.readFloats("bf16");
            for (int i = 0; i < F16_VALUES.length; i++) {
                assertEquals(Float.floatToIntBits(F16_VALUES[i]), Float.floatToIntBits(h[i]),
                        "F16 0x" + Integer.toHexString(F16_BITS[i] & 0xffff));
            }
            for (int i = 0; i < BF16_VALUES.length; i++) {
                assertEquals(Float.floatToIntBits(BF16_VALUES[i]), Float.floatToIntBits(b[i]),
                        "BF16 0x" + Integer.toHexString(BF16_BITS[i] & 0xffff));
            }
            assertTrue(Float.isNaN(h[8]) && Float.isNaN(b[4]));

            // BF16 [3, 4] transposed to [4, 3]
            float[] t = f.readFloatsTransposed("bf16");
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 4; c++) {
                    assertEquals(Float.floatToIntBits(b[r * 4 + c]), Float.floatToIntBits(t[c * 3 + r]));
                }
            }
        }
    }

    @Test
    void blockedTransposeMatchesNaiveForAllFloatTypesAndOddSizes() throws IOException {
        Random rnd = new Random(7);
        int rows = 131;
        int cols = 197; // neither a multiple of the 64 tile
        float[] f32 = new float[rows * cols];
        short[] bf = new short[rows * cols];
        short[] hf = new short[rows * cols];
        double[] f64 = new double[rows * cols];
        for (int i = 0; i < f32.length; i++) {
            f32[i] = (float) rnd.nextGaussian();
            bf[i] = (short) (Float.floatToIntBits(f32[i]) >>> 16);
            hf[i] = Float.floatToFloat16(f32[i]);
            f64[i] = f32[i];
        }
        Path p = tmp.resolve("t.safetensors");
        new SafetensorsWriter()
                .addFloats("f32", new long[] {rows, cols}, f32)
                .add("bf16", DType.BF16, new long[] {rows, cols}, MemorySegment.ofArray(bf))
                .add("f16", DType.F16, new long[] {rows, cols}, MemorySegment.ofArray(hf))
                .add("f64", DType.F64, new long[] {rows, cols}, MemorySegment.ofArray(f64))
                .writeAtomically(p);
        try (SafetensorsFile f = SafetensorsFile.open(p); Arena arena = Arena.ofConfined()) {
            for (String name : new String[] {"f32", "bf16", "f16", "f64"}) {
                float[] w = f.readFloats(name);
                MemorySegment dst = arena.allocate(16 + 4L * w.length);
                f.readFloatsTransposedInto(name, dst, 16);
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        assertEquals(w[r * cols + c], dst.get(ValueLayout.JAVA_FLOAT, 16 + 4L * (c * rows + r)), name);
                    }
                }
            }
            assertArrayEquals(f32, f.readFloats("f64"));
        }
    }

    // ---------------------------------------------------------------- validation

    private static void assertMessage(WeightFormatException e, Path file, String tensor, String... fragments) {
        String m = e.getMessage();
        assertFalse(m.contains("\n") || m.contains("\r"), "one line: " + m);
        assertTrue(m.contains(file.getFileName().toString()), "names the file: " + m);
        if (tensor != null) {
            assertTrue(m.contains("'" + tensor + "'"), "names the tensor: " + m);
        }
        for (String s : fragments) {
            assertTrue(m.contains(s), "mentions '" + s + "': " + m);
        }
    }

    private WeightFormatException openFails(Path p) {
        return assertThrows(WeightFormatException.class, () -> SafetensorsFile.open(p).close());
    }

    private static final String ONE = "{\"a.weight\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}}";

    @Test
    void wellFormedHandCraftedFileOpens() throws IOException {
        Path p = StFiles.write(tmp.resolve("ok.safetensors"), ONE, StFiles.floats(1, 2, 3, 4, 5, 6));
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, f.readFloats("a.weight"));
            assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, f.readFloatsTransposed("a.weight"));
            assertTrue(f.metadata().isEmpty());
        }
    }

    @Test
    void fileShorterThanEightBytes() throws IOException {
        Path p = Files.write(tmp.resolve("short.safetensors"), new byte[] {1, 2, 3, 4, 5});
        assertMessage(openFails(p), p, null, "5 bytes", "too short");
        Path empty = Files.write(tmp.resolve("empty.safetensors"), new byte[0]);
        assertMessage(openFails(empty), empty, null, "0 bytes");
    }

    @Test
    void headerLengthPastTheEnd() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN).putLong(1000);
        Path p = Files.write(tmp.resolve("hdr.safetensors"), b.array());
        assertMessage(openFails(p), p, null, "header length 1000", "past the end", "40 bytes");
        // an unsigned length with the top bit set must not be mistaken for a small negative number
        b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-8);
        Path q = Files.write(tmp.resolve("neg.safetensors"), b.array());
        assertMessage(openFails(q), q, null, "18446744073709551608", "past the end");
    }

    @Test
    void truncatedData() throws IOException {
        Path p = StFiles.write(tmp.resolve("trunc.safetensors"), ONE, StFiles.floats(1, 2, 3, 4));
        assertMessage(openFails(p), p, "a.weight", "[0, 24)", "past the end of the file");
    }

    @Test
    void malformedJson() throws IOException {
        Path p = StFiles.write(tmp.resolve("bad.safetensors"), "{\"a.weight\": {\"dtype\": \"F32\",", StFiles.zeros(8));
        assertMessage(openFails(p), p, null, "malformed JSON");
        Path q = StFiles.write(tmp.resolve("arr.safetensors"), "[1, 2]", new byte[0]);
        assertMessage(openFails(q), q, null, "not a JSON object");
        Path r = StFiles.write(tmp.resolve("dup.safetensors"),
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
                StFiles.floats(1));
        assertMessage(openFails(r), r, null, "malformed JSON", "Duplicate");
        Path s = StFiles.write(tmp.resolve("zero.safetensors"), "", new byte[0]);
        assertMessage(openFails(s), s, null, "malformed JSON");
    }

    @Test
    void missingOrUnknownDtype() throws IOException {
        Path p = StFiles.write(tmp.resolve("dt.safetensors"),
                "{\"x.bias\":{\"dtype\":\"F33\",\"shape\":[1],\"data_offsets\":[0,4]}}", StFiles.floats(1));
        assertMessage(openFails(p), p, "x.bias", "unknown dtype 'F33'");
        Path q = StFiles.write(tmp.resolve("nodt.safetensors"),
                "{\"x.bias\":{\"shape\":[1],\"data_offsets\":[0,4]}}", StFiles.floats(1));
        assertMessage(openFails(q), q, "x.bias", "no dtype");
    }

    @Test
    void shapeDoesNotMatchOffsets() throws IOException {
        Path p = StFiles.write(tmp.resolve("shape.safetensors"),
                "{\"h.0.attn.c_attn.weight\":{\"dtype\":\"F32\",\"shape\":[2,4],\"data_offsets\":[0,24]}}",
                StFiles.floats(1, 2, 3, 4, 5, 6));
        assertMessage(openFails(p), p, "h.0.attn.c_attn.weight", "[2, 4]", "32 bytes", "24");
        Path q = StFiles.write(tmp.resolve("bf.safetensors"),
                "{\"w\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[0,4]}}", StFiles.floats(1));
        assertMessage(openFails(q), q, "w", "6 bytes");
    }

    @Test
    void negativeDimensionAndNonIntegerShape() throws IOException {
        Path p = StFiles.write(tmp.resolve("neg.safetensors"),
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[-1,2],\"data_offsets\":[0,8]}}", StFiles.floats(1, 2));
        assertMessage(openFails(p), p, "w", "negative dimension");
        Path q = StFiles.write(tmp.resolve("frac.safetensors"),
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,8]}}", StFiles.floats(1, 2));
        assertMessage(openFails(q), q, "w", "not a list of integers");
        Path r = StFiles.write(tmp.resolve("noshape.safetensors"),
                "{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", StFiles.floats(1, 2));
        assertMessage(openFails(r), r, "w", "no shape");
    }

    @Test
    void badOffsets() throws IOException {
        Path p = StFiles.write(tmp.resolve("off.safetensors"),
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", StFiles.floats(1, 2));
        assertMessage(openFails(p), p, "w", "begin <= end");
        Path q = StFiles.write(tmp.resolve("off1.safetensors"),
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", StFiles.floats(1, 2));
        assertMessage(openFails(q), q, "w", "data_offsets");
        Path r = StFiles.write(tmp.resolve("off2.safetensors"),
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}", StFiles.floats(1, 2));
        assertMessage(openFails(r), r, "w", "no data_offsets");
        Path s = StFiles.write(tmp.resolve("past.safetensors"),
                "{\"h.0.attn.c_attn.weight\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[1024,1032]}}",
                StFiles.floats(1, 2));
        assertMessage(openFails(s), s, "h.0.attn.c_attn.weight", "data [1024, 1032) points past the end of the file");
    }

    @Test
    void overlappingTensors() throws IOException {
        Path p = StFiles.write(tmp.resolve("ovl.safetensors"),
                "{\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]},"
                        + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}",
                StFiles.floats(1, 2, 3));
        WeightFormatException e = openFails(p);
        assertMessage(e, p, "b", "overlaps tensor 'a'");
    }

    @Test
    void emptyTensorsAndGapsAreAccepted() throws IOException {
        Path p = StFiles.write(tmp.resolve("gap.safetensors"),
                "{\"__metadata__\":{\"k\":\"v\"},\"e\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[4,4]},"
                        + "\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[4,8]},"
                        + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
                StFiles.floats(1, 2, 3));
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertEquals("v", f.metadata().get("k"));
            assertEquals(0, f.readFloats("e").length);
            assertArrayEquals(new float[] {2}, f.readFloats("s"));
            assertEquals(Arrays.asList("a", "e", "s"), f.names().stream().toList(), "file order");
        }
    }

    @Test
    void badMetadata() throws IOException {
        Path p = StFiles.write(tmp.resolve("md.safetensors"), "{\"__metadata__\":{\"n\":3}}", new byte[0]);
        assertMessage(openFails(p), p, null, "__metadata__", "'n'", "not a string");
        Path q = StFiles.write(tmp.resolve("md2.safetensors"), "{\"__metadata__\":[1]}", new byte[0]);
        assertMessage(openFails(q), q, null, "__metadata__");
    }

    @Test
    void missingTensor() throws IOException {
        Path p = StFiles.write(tmp.resolve("model.safetensors"), ONE, StFiles.floats(1, 2, 3, 4, 5, 6));
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertFalse(f.contains("lm_head.weight"));
            assertMessage(assertThrows(WeightFormatException.class, () -> f.info("lm_head.weight")), p, "lm_head.weight", "not found");
            assertMessage(assertThrows(WeightFormatException.class, () -> f.raw("lm_head.weight")), p, "lm_head.weight");
            assertMessage(assertThrows(WeightFormatException.class, () -> f.readFloats("lm_head.weight")), p, "lm_head.weight");
            assertMessage(assertThrows(WeightFormatException.class, () -> f.readInts("lm_head.weight")), p, "lm_head.weight");
            assertMessage(assertThrows(WeightFormatException.class,
                    () -> f.readFloatsTransposedInto("lm_head.weight", MemorySegment.ofArray(new float[6]), 0)), p, "lm_head.weight");
        }
    }

    @Test
    void wrongDtypeForReadAndWrongRankForTranspose() throws IOException {
        Path p = tmp.resolve("types.safetensors");
        new SafetensorsWriter()
                .addInts("ids", new long[] {3}, new int[] {1, 2, 3})
                .addFloats("vec", new long[] {2}, new float[] {1, 2})
                .add("big", DType.I64, new long[] {2}, MemorySegment.ofArray(new long[] {7, 1L << 40}))
                .add("small", DType.I64, new long[] {2}, MemorySegment.ofArray(new long[] {-7, Integer.MAX_VALUE}))
                .writeAtomically(p);
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertMessage(assertThrows(WeightFormatException.class, () -> f.readFloats("ids")), p, "ids", "I32");
            assertMessage(assertThrows(WeightFormatException.class, () -> f.readInts("vec")), p, "vec", "F32");
            assertMessage(assertThrows(WeightFormatException.class, () -> f.readFloatsTransposed("vec")), p, "vec", "2-D");
            assertMessage(assertThrows(WeightFormatException.class, () -> f.readInts("big")), p, "big", "element 1", "1099511627776");
            assertArrayEquals(new int[] {-7, Integer.MAX_VALUE}, f.readInts("small"));
            assertArrayEquals(new int[] {1, 2, 3}, f.readInts("ids"));
        }
    }

    @Test
    void closeUnmaps() throws IOException {
        SafetensorsFile f = SafetensorsFile.open(Fixtures.file("gpt2_tiny.weights.safetensors"));
        MemorySegment raw = f.raw("wpe.weight");
        f.close();
        f.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> raw.get(ValueLayout.JAVA_BYTE, 0));
    }
}
