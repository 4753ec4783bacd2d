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
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsWriterTest {

    @TempDir
    Path tmp;

    @Test
    void roundTripsTensorsAndMetadataWithPaddedHeader() throws IOException {
        float[] w = {1.5f, -2f, Float.NaN, Float.NEGATIVE_INFINITY, 0x1p-149f, 6f};
        int[] ids = {0, -1, Integer.MAX_VALUE};
        Path p = tmp.resolve("rt.safetensors");
        SafetensorsWriter wr = new SafetensorsWriter()
                .putMetadata("format", "pt")
                .putMetadata(Map.of("step", "42"))
                .addFloats("w", new long[] {2, 3}, w)
                .addInts("ids", new long[] {3}, ids)
                .addFloats("scalar", new long[] {}, new float[] {3f})
                .addFloats("empty", new long[] {0, 4}, new float[0]);
        wr.writeAtomically(p);
        assertEquals(wr.fileSize(), Files.size(p));

        byte[] bytes = Files.readAllBytes(p);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertEquals(0, n % 8, "header padded to a multiple of 8");
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        int close = header.lastIndexOf('}');
        assertTrue(header.startsWith("{") && close > 0);
        assertTrue(header.substring(close + 1).chars().allMatch(c -> c == ' '), "padding is spaces only");
        assertEquals(8 + n + 6 * 4 + 3 * 4 + 4, bytes.length, "data contiguous, no gaps");

        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertEquals(Map.of("format", "pt", "step", "42"), f.metadata());
            assertEquals(List.of("w", "ids", "scalar", "empty"), List.copyOf(f.names()));
            assertArrayEquals(new long[] {2, 3}, f.info("w").shape());
            assertArrayEquals(w, f.readFloats("w"));
            assertArrayEquals(ids, f.readInts("ids"));
            assertArrayEquals(new float[] {3f}, f.readFloats("scalar"));
            assertEquals(DType.I32, f.info("ids").dtype());
            assertEquals(0, f.info("empty").byteSize());
        }
    }

    @Test
    void streamsFromOffHeapSegmentsAndRewritesAFixture() throws IOException {
        Path src = Fixtures.file("gpt2_odd.weights.safetensors");
        Path out = tmp.resolve("copy.safetensors");
        try (SafetensorsFile f = SafetensorsFile.open(src); Arena arena = Arena.ofConfined()) {
            SafetensorsWriter wr = new SafetensorsWriter().putMetadata(f.metadata());
            for (String name : f.names()) {
                TensorInfo t = f.info(name);
                MemorySegment seg = arena.allocate(t.numElements() * 4);
                f.readFloatsInto(name, seg, 0); // native-order floats, as a model buffer holds them
                wr.add(name, DType.F32, t.shape(), seg);
            }
            wr.writeAtomically(out);
            try (SafetensorsFile g = SafetensorsFile.open(out)) {
                assertEquals(f.metadata(), g.metadata());
                assertEquals(f.names(), g.names());
                for (String name : f.names()) {
                    assertArrayEquals(f.info(name).shape(), g.info(name).shape());
                    assertEquals(f.raw(name).mismatch(g.raw(name)), -1L, name);
                }
            }
        }
    }

    @Test
    void largerThanOneChunk() throws IOException {
        float[] big = new float[(1 << 20) / 4 * 3 + 17]; // three 1 MB chunks and a bit
        for (int i = 0; i < big.length; i++) {
            big[i] = i * 0.5f;
        }
        Path p = tmp.resolve("big.safetensors");
        new SafetensorsWriter().addFloats("big", new long[] {big.length}, big).addInts("after", new long[] {1}, new int[] {9})
                .writeAtomically(p);
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertArrayEquals(big, f.readFloats("big"));
            assertArrayEquals(new int[] {9}, f.readInts("after"));
        }
    }

    @Test
    void rejectsInconsistentInput() {
        SafetensorsWriter wr = new SafetensorsWriter().addFloats("a", new long[] {2}, new float[2]);
        assertThrows(IllegalArgumentException.class, () -> wr.addFloats("a", new long[] {2}, new float[2]));
        assertThrows(IllegalArgumentException.class, () -> wr.addFloats("b", new long[] {3}, new float[2]));
        assertThrows(IllegalArgumentException.class, () -> wr.addFloats("c", new long[] {-1, -2}, new float[2]));
        assertThrows(IllegalArgumentException.class, () -> wr.addFloats("__metadata__", new long[] {2}, new float[2]));
        assertThrows(IllegalArgumentException.class,
                () -> wr.add("d", DType.F16, new long[] {2}, MemorySegment.ofArray(new float[2])));
        assertEquals(1, wr.size());
    }

    @Test
    void replacesAnExistingFileAtomically() throws IOException {
        Path p = tmp.resolve("ckpt.safetensors");
        new SafetensorsWriter().addFloats("v", new long[] {1}, new float[] {1}).writeAtomically(p);
        new SafetensorsWriter().addFloats("v", new long[] {2}, new float[] {2, 3}).writeAtomically(p);
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertArrayEquals(new float[] {2, 3}, f.readFloats("v"));
        }
        assertEquals(List.of(p), listDir());
    }

    /** A channel that accepts {@code budget} bytes and then fails like a full disk. */
    private static final class FullDisk implements WritableByteChannel {
        private final WritableByteChannel inner;
        private long budget;

        FullDisk(WritableByteChannel inner, long budget) {
            this.inner = inner;
            this.budget = budget;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (budget <= 0) {
                throw new IOException("No space left on device");
            }
            int n = (int) Math.min(budget, src.remaining());
            ByteBuffer part = src.slice(src.position(), n);
            int w = inner.write(part);
            src.position(src.position() + w);
            budget -= w;
            return w;
        }

        @Override
        public boolean isOpen() {
            return inner.isOpen();
        }

        @Override
        public void close() throws IOException {
            inner.close();
        }
    }

    private List<Path> listDir() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.sorted().toList();
        }
    }

    @Test
    void failureMidWriteKeepsThePreviousFileAndLeavesNoTempFile() throws IOException {
        Path p = tmp.resolve("model.safetensors");
        new SafetensorsWriter().putMetadata("gen", "1").addFloats("v", new long[] {1}, new float[] {1}).writeAtomically(p);
        byte[] before = Files.readAllBytes(p);

        SafetensorsWriter wr = new SafetensorsWriter().putMetadata("gen", "2")
                .addFloats("v", new long[] {300_000}, new float[300_000]);
        IOException e = assertThrows(IOException.class, () -> wr.writeAtomically(p, ch -> new FullDisk(ch, 100_000)));
        String m = e.getMessage();
        assertFalse(m.contains("\n"), m);
        assertTrue(m.contains("model.safetensors") && m.contains("No space left on device"), m);
        assertArrayEquals(before, Files.readAllBytes(p), "previous file untouched");
        assertEquals(List.of(p), listDir(), "temp file deleted");
    }

    @Test
    void unwritableTargetDirectory() throws IOException {
        Path notADir = Files.writeString(tmp.resolve("plain-file"), "x");
        Path target = notADir.resolve("model.safetensors");
        IOException e = assertThrows(IOException.class,
                () -> new SafetensorsWriter().addFloats("v", new long[] {1}, new float[] {1}).writeAtomically(target));
        assertTrue(e.getMessage().contains(target.toString()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));

        Path missing = tmp.resolve("no-such-dir").resolve("m.safetensors");
        IOException e2 = assertThrows(IOException.class,
                () -> new SafetensorsWriter().addFloats("v", new long[] {1}, new float[] {1}).writeAtomically(missing));
        assertTrue(e2.getMessage().contains("m.safetensors"), e2.getMessage());
        assertEquals(List.of(notADir), listDir());
    }

    @Test
    void readOnlyDirectoryWhenPermissionsApply() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("ro"));
        Path target = dir.resolve("model.safetensors");
        new SafetensorsWriter().addFloats("v", new long[] {1}, new float[] {1}).writeAtomically(target);
        byte[] before = Files.readAllBytes(target);
        assertTrue(dir.toFile().setWritable(false, false));
        try {
            org.junit.jupiter.api.Assumptions.assumeFalse(Files.isWritable(dir), "running with permission bypass (root)");
            IOException e = assertThrows(IOException.class,
                    () -> new SafetensorsWriter().addFloats("v", new long[] {1}, new float[] {2}).writeAtomically(target));
            assertTrue(e.getMessage().contains("model.safetensors"), e.getMessage());
            assertArrayEquals(before, Files.readAllBytes(target));
        } finally {
            dir.toFile().setWritable(true, false);
        }
    }

    @Test
    void nativeOrderSegmentIsWrittenLittleEndian() throws IOException {
        Path p = tmp.resolve("le.safetensors");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(8);
            seg.setAtIndex(ValueLayout.JAVA_INT, 0, 0x01020304);
            seg.setAtIndex(ValueLayout.JAVA_INT, 1, -2);
            new SafetensorsWriter().add("i", DType.I32, new long[] {2}, seg).writeAtomically(p);
        }
        byte[] b = Files.readAllBytes(p);
        assertEquals(0x04, b[b.length - 8]);
        assertEquals(0x01, b[b.length - 5]);
    }
}
