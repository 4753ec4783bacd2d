package org.tornadogpt.weights;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;

/**
 * Collects tensors and string metadata and writes them as one safetensors file.
 *
 * <p>Tensors are laid out contiguously in the order they were added. The data is streamed from the
 * given segments/arrays through a small buffer when written; nothing is copied when adding, so the
 * sources must stay unchanged and alive until the write returns. A segment passed to
 * {@link #add(String, DType, long[], MemorySegment)} holds the values in native byte order (as written by
 * {@link ValueLayout#JAVA_FLOAT} etc.); the file is always little-endian.
 *
 * <p>Not thread-safe.
 */
public final class SafetensorsWriter {

    private static final int CHUNK = 1 << 20;

    private record Entry(String name, DType dtype, long[] shape, MemorySegment data) {
    }

    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final List<Entry> entries = new ArrayList<>();
    private final Set<String> names = new HashSet<>();

    /** Adds (or replaces) a {@code __metadata__} entry. */
    public SafetensorsWriter putMetadata(String key, String value) {
        metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /** Adds (or replaces) several {@code __metadata__} entries. */
    public SafetensorsWriter putMetadata(Map<String, String> entries) {
        entries.forEach(this::putMetadata);
        return this;
    }

    /**
     * Adds a tensor whose values are in {@code data}, native byte order, row-major; {@code data} must be
     * exactly {@code product(shape) * dtype.byteSize()} bytes. The segment is not copied.
     */
    public SafetensorsWriter add(String name, DType dtype, long[] shape, MemorySegment data) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(data, "data");
        if (name.equals("__metadata__")) {
            throw new IllegalArgumentException("'__metadata__' is reserved and cannot be a tensor name");
        }
        if (names.contains(name)) {
            throw new IllegalArgumentException("tensor '" + name + "' was already added");
        }
        long[] s = shape.clone();
        for (long d : s) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "' has a negative dimension: " + Arrays.toString(s));
            }
        }
        long bytes = Math.multiplyExact(TensorInfo.numElements(s), dtype.byteSize());
        if (bytes != data.byteSize()) {
            throw new IllegalArgumentException("tensor '" + name + "' shape " + Arrays.toString(s) + " of " + dtype
                    + " needs " + bytes + " bytes, but the data has " + data.byteSize());
        }
        names.add(name);
        entries.add(new Entry(name, dtype, s, data));
        return this;
    }

    /** Adds an F32 tensor backed by {@code data} (not copied). */
    public SafetensorsWriter addFloats(String name, long[] shape, float[] data) {
        return add(name, DType.F32, shape, MemorySegment.ofArray(data));
    }

    /** Adds an I32 tensor backed by {@code data} (not copied). */
    public SafetensorsWriter addInts(String name, long[] shape, int[] data) {
        return add(name, DType.I32, shape, MemorySegment.ofArray(data));
    }

    /** Number of tensors added so far. */
    public int size() {
        return entries.size();
    }

    /** The header bytes: JSON padded with spaces to a multiple of 8 (without the 8-byte length prefix). */
    byte[] headerBytes() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode md = root.putObject("__metadata__");
            metadata.forEach(md::put);
        }
        long offset = 0;
        for (Entry e : entries) {
            ObjectNode t = root.putObject(e.name);
            t.put("dtype", e.dtype.name());
            ArrayNode shape = t.putArray("shape");
            for (long d : e.shape) {
                shape.add(d);
            }
            long end = offset + e.data.byteSize();
            t.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json;
        try {
            json = Json.MAPPER.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        int padded = (json.length + 7) & ~7;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    /** Total size of the file that {@link #writeTo} would produce. */
    public long fileSize() {
        long n = 8 + headerBytes().length;
        for (Entry e : entries) {
            n += e.data.byteSize();
        }
        return n;
    }

    /** Writes the whole file to a channel, streaming the tensor data through a 1 MB buffer. */
    public void writeTo(WritableByteChannel out) throws IOException {
        byte[] header = headerBytes();
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(header.length);
        buf.flip();
        writeFully(out, buf);
        writeFully(out, ByteBuffer.wrap(header));
        MemorySegment chunk = MemorySegment.ofBuffer(buf.clear());
        for (Entry e : entries) {
            int size = e.dtype.byteSize();
            ValueLayout nativeLayout = layout(size, ByteOrder.nativeOrder());
            ValueLayout leLayout = layout(size, ByteOrder.LITTLE_ENDIAN);
            long total = e.data.byteSize();
            for (long pos = 0; pos < total; pos += CHUNK) {
                int len = (int) Math.min(CHUNK, total - pos);
                MemorySegment.copy(e.data, nativeLayout, pos, chunk, leLayout, 0, len / size);
                buf.clear().limit(len);
                writeFully(out, buf);
            }
        }
    }

    private static ValueLayout layout(int size, ByteOrder order) {
        return switch (size) {
            case 1 -> ValueLayout.JAVA_BYTE;
            case 2 -> ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order);
            case 4 -> ValueLayout.JAVA_INT_UNALIGNED.withOrder(order);
            case 8 -> ValueLayout.JAVA_LONG_UNALIGNED.withOrder(order);
            default -> throw new IllegalStateException("element size " + size);
        };
    }

    private static void writeFully(WritableByteChannel out, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            out.write(buf);
        }
    }

    /**
     * Writes the file to a temporary file next to {@code target}, forces it to disk and atomically renames
     * it over {@code target}. On any failure the temporary file is deleted, a previous file at
     * {@code target} is left untouched, and an IOException with a one-line message naming the target is
     * thrown (the original problem is its cause).
     */
    public void writeAtomically(Path target) throws IOException {
        writeAtomically(target, UnaryOperator.identity());
    }

    /** As {@link #writeAtomically(Path)}; {@code wrap} decorates the temp file's channel (test hook for I/O failures). */
    void writeAtomically(Path target, UnaryOperator<WritableByteChannel> wrap) throws IOException {
        Objects.requireNonNull(target, "target");
        Path abs = target.toAbsolutePath().normalize();
        Path dir = abs.getParent();
        Path tmp = null;
        boolean moved = false;
        try {
            tmp = createTemp(dir, abs.getFileName().toString());
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                writeTo(wrap.apply(ch));
                ch.force(true);
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
            forceDirectory(dir);
        } catch (IOException | RuntimeException e) {
            throw new IOException(target + ": could not write safetensors file: " + describe(e), e);
        } finally {
            if (tmp != null && !moved) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the original failure is what matters
                }
            }
        }
    }

    private static Path createTemp(Path dir, String fileName) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve("." + fileName + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
            try {
                Files.newByteChannel(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return tmp;
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 100) {
                    throw e;
                }
            }
        }
    }

    /** Makes the rename durable where the platform allows opening a directory (Linux); best effort elsewhere. */
    private static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not supported on this platform/file system
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        String s = (m == null || m.isBlank()) ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + m;
        return WeightFormatException.oneLine(s);
    }
}
