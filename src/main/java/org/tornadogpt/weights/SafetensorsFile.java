package org.tornadogpt.weights;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A memory-mapped <a href="https://github.com/huggingface/safetensors">safetensors</a> file.
 *
 * <p>Layout: an unsigned 64-bit little-endian header length {@code N}, {@code N} bytes of UTF-8 JSON
 * (tensor name to {@code {"dtype", "shape", "data_offsets": [begin, end)}}, plus an optional
 * {@code __metadata__} object of strings), then the data section; offsets are relative to its start
 * (file offset {@code 8 + N}).
 *
 * <p>{@link #open(Path)} maps the whole file (files over 2 GB work; nothing is copied onto the heap
 * except the JSON header) and validates the header completely: every later lookup of an existing
 * tensor is guaranteed to be inside the file. Gaps between tensors are tolerated; overlaps are not.
 *
 * <p>The mapping uses a shared arena, so lookups and reads may run on several threads; {@link #close()}
 * must not race with them.
 */
public final class SafetensorsFile implements TensorSource {

    /** Reject headers above this size (the reference implementation uses 100 MB as well). */
    static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    private final Path path;
    private final Arena arena;
    private final MemorySegment file;
    private final long dataStart;
    private final Map<String, String> metadata;
    private final Map<String, TensorInfo> tensors;

    private SafetensorsFile(Path path, Arena arena, MemorySegment file, long dataStart,
                            Map<String, String> metadata, Map<String, TensorInfo> tensors) {
        this.path = path;
        this.arena = arena;
        this.file = file;
        this.dataStart = dataStart;
        this.metadata = metadata;
        this.tensors = tensors;
    }

    /** Maps and validates a safetensors file; any defect is a {@link WeightFormatException} naming the file (and tensor). */
    public static SafetensorsFile open(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        Arena arena = Arena.ofShared();
        try {
            MemorySegment seg = TensorCodec.mapReadOnly(path, arena, 8, "too short for a safetensors header (8-byte length + JSON)");
            long size = seg.byteSize();
            long n = seg.get(TensorCodec.LE_LONG, 0);
            if (n < 0 || n > size - 8) {
                throw WeightFormatException.of(path, "header length " + Long.toUnsignedString(n)
                        + " points past the end of the file (" + size + " bytes)");
            }
            if (n > MAX_HEADER_BYTES) {
                throw WeightFormatException.of(path, "header length " + n + " exceeds the limit of "
                        + MAX_HEADER_BYTES + " bytes");
            }
            byte[] json = seg.asSlice(8, n).toArray(ValueLayout.JAVA_BYTE);
            long dataStart = 8 + n;
            Parsed parsed = parseHeader(path, json, size, size - dataStart);
            return new SafetensorsFile(path, arena, seg, dataStart, parsed.metadata, parsed.tensors);
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    private record Parsed(Map<String, String> metadata, Map<String, TensorInfo> tensors) {
    }

    private static Parsed parseHeader(Path path, byte[] json, long fileSize, long dataSize) throws WeightFormatException {
        JsonNode root = Json.parseObject(path, json, "header");
        Map<String, String> metadata = new LinkedHashMap<>();
        List<TensorInfo> list = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode v = e.getValue();
            if (name.equals("__metadata__")) {
                if (!v.isObject()) {
                    throw WeightFormatException.of(path, "__metadata__ is not a JSON object: " + Json.brief(v));
                }
                for (Iterator<Map.Entry<String, JsonNode>> mi = v.fields(); mi.hasNext(); ) {
                    Map.Entry<String, JsonNode> m = mi.next();
                    if (!m.getValue().isTextual()) {
                        throw WeightFormatException.of(path, "__metadata__ value of '" + m.getKey()
                                + "' is not a string: " + Json.brief(m.getValue()));
                    }
                    metadata.put(m.getKey(), m.getValue().textValue());
                }
                continue;
            }
            list.add(parseTensor(path, name, v, fileSize, dataSize));
        }
        // Overlap check in file order; empty tensors occupy no bytes and cannot overlap anything.
        list.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end)
                .thenComparing(TensorInfo::name));
        TensorInfo prev = null;
        for (TensorInfo t : list) {
            if (t.byteSize() == 0) {
                continue;
            }
            if (prev != null && t.begin() < prev.end()) {
                throw WeightFormatException.tensor(path, t.name(), "data [" + t.begin() + ", " + t.end()
                        + ") overlaps tensor '" + prev.name() + "' data [" + prev.begin() + ", " + prev.end() + ")");
            }
            prev = t;
        }
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (TensorInfo t : list) {
            tensors.put(t.name(), t);
        }
        return new Parsed(Collections.unmodifiableMap(metadata), Collections.unmodifiableMap(tensors));
    }

    private static TensorInfo parseTensor(Path path, String name, JsonNode v, long fileSize, long dataSize)
            throws WeightFormatException {
        if (!v.isObject()) {
            throw WeightFormatException.tensor(path, name, "header entry is not a JSON object: " + Json.brief(v));
        }
        JsonNode dt = v.get("dtype");
        if (dt == null || dt.isNull()) {
            throw WeightFormatException.tensor(path, name, "has no dtype");
        }
        if (!dt.isTextual()) {
            throw WeightFormatException.tensor(path, name, "has a dtype that is not a string: " + Json.brief(dt));
        }
        DType dtype = DType.parse(dt.textValue()).orElseThrow(() -> WeightFormatException.tensor(path, name,
                "has unknown dtype '" + dt.textValue() + "' (known: " + Arrays.toString(DType.values()) + ")"));

        JsonNode sh = v.get("shape");
        if (sh == null || sh.isNull()) {
            throw WeightFormatException.tensor(path, name, "has no shape");
        }
        if (!sh.isArray()) {
            throw WeightFormatException.tensor(path, name, "shape is not a list: " + Json.brief(sh));
        }
        long[] shape = new long[sh.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = sh.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong()) {
                throw WeightFormatException.tensor(path, name, "shape " + Json.brief(sh) + " is not a list of integers");
            }
            shape[i] = d.longValue();
            if (shape[i] < 0) {
                throw WeightFormatException.tensor(path, name, "has a negative dimension in shape " + Json.brief(sh));
            }
        }

        JsonNode off = v.get("data_offsets");
        if (off == null || off.isNull()) {
            throw WeightFormatException.tensor(path, name, "has no data_offsets");
        }
        if (!off.isArray() || off.size() != 2 || !isLong(off.get(0)) || !isLong(off.get(1))) {
            throw WeightFormatException.tensor(path, name, "data_offsets " + Json.brief(off)
                    + " is not a pair of integers [begin, end]");
        }
        long begin = off.get(0).longValue();
        long end = off.get(1).longValue();
        if (begin < 0 || end < begin) {
            throw WeightFormatException.tensor(path, name, "data_offsets [" + begin + ", " + end
                    + "] are not 0 <= begin <= end");
        }
        if (end > dataSize) {
            throw WeightFormatException.tensor(path, name, "data [" + begin + ", " + end
                    + ") points past the end of the file (" + fileSize + " bytes, data section " + dataSize + " bytes)");
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(TensorInfo.numElements(shape), dtype.byteSize());
        } catch (ArithmeticException e) {
            throw WeightFormatException.tensor(path, name, "shape " + Arrays.toString(shape) + " is too large");
        }
        if (bytes != end - begin) {
            throw WeightFormatException.tensor(path, name, "shape " + Arrays.toString(shape) + " of " + dtype
                    + " needs " + bytes + " bytes, but data_offsets [" + begin + ", " + end + ") hold " + (end - begin));
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static boolean isLong(JsonNode n) {
        return n != null && n.isIntegralNumber() && n.canConvertToLong();
    }

    /** The file this was opened from. */
    public Path path() {
        return path;
    }

    /** Size of the file in bytes. */
    public long fileSize() {
        return file.byteSize();
    }

    /** File offset of the data section ({@code 8 + header length}). */
    public long dataOffset() {
        return dataStart;
    }

    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public Set<String> names() {
        return tensors.keySet();
    }

    @Override
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** All header entries, in file order. */
    public List<TensorInfo> infos() {
        return List.copyOf(tensors.values());
    }

    @Override
    public TensorInfo info(String name) throws WeightFormatException {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw WeightFormatException.tensor(path, name, "not found (the file has " + tensors.size() + " tensors)");
        }
        return t;
    }

    @Override
    public MemorySegment raw(String name) throws WeightFormatException {
        TensorInfo t = info(name);
        return file.asSlice(dataStart + t.begin(), t.byteSize());
    }

    @Override
    public Path fileOf(String name) throws WeightFormatException {
        info(name);
        return path;
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + path + ", " + tensors.size() + " tensors]";
    }
}
