package org.tornadogpt.testutil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.tornadogpt.weights.DType;
import org.tornadogpt.weights.SafetensorsFile;
import org.tornadogpt.weights.SafetensorsWriter;
import org.tornadogpt.weights.TensorInfo;

/** Rewrites safetensors files (renamed, dropped, reshaped or re-typed tensors) for loader tests. */
public final class WeightFiles {
    private WeightFiles() {}

    /** One tensor held as float32 values, written with {@code dtype} (F32, F16, BF16 or I32). */
    public record Tensor(String name, long[] shape, float[] values, DType dtype) {
        public Tensor renamed(String n) { return new Tensor(n, shape, values, dtype); }
        public Tensor as(DType d) { return new Tensor(name, shape, values, d); }
    }

    /** A whole file: metadata and tensors in file order. */
    public record Contents(Map<String, String> metadata, List<Tensor> tensors) {
        public Contents map(UnaryOperator<Tensor> f) {
            List<Tensor> out = new ArrayList<>();
            for (Tensor t : tensors) {
                Tensor m = f.apply(t);
                if (m != null) out.add(m);
            }
            return new Contents(metadata, out);
        }

        public Contents withMetadata(Map<String, String> md) {
            return new Contents(md, tensors);
        }

        public Contents plus(Tensor t) {
            List<Tensor> out = new ArrayList<>(tensors);
            out.add(t);
            return new Contents(metadata, out);
        }

        public Tensor get(String name) {
            return tensors.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
        }
    }

    public static Contents read(Path file) {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            List<Tensor> ts = new ArrayList<>();
            for (TensorInfo info : f.infos()) ts.add(new Tensor(info.name(), info.shape(), f.readFloats(info.name()), DType.F32));
            return new Contents(new LinkedHashMap<>(f.metadata()), ts);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path write(Path file, Contents c) {
        SafetensorsWriter w = new SafetensorsWriter();
        w.putMetadata(c.metadata());
        for (Tensor t : c.tensors()) w.add(t.name(), t.dtype(), t.shape(), encode(t));
        try {
            w.writeAtomically(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    static MemorySegment encode(Tensor t) {
        float[] v = t.values();
        return switch (t.dtype()) {
            case F32 -> MemorySegment.ofArray(v.clone());
            case F16 -> {
                short[] s = new short[v.length];
                for (int i = 0; i < v.length; i++) s[i] = Float.floatToFloat16(v[i]);
                yield MemorySegment.ofArray(s);
            }
            case BF16 -> {
                short[] s = new short[v.length];
                for (int i = 0; i < v.length; i++) s[i] = (short) (Float.floatToRawIntBits(v[i]) >>> 16);
                yield MemorySegment.ofArray(s);
            }
            case I32 -> {
                int[] s = new int[v.length];
                for (int i = 0; i < v.length; i++) s[i] = (int) v[i];
                yield MemorySegment.ofArray(s);
            }
            default -> throw new IllegalArgumentException(t.dtype().name());
        };
    }

    /** The value a float becomes after a round trip through the dtype. */
    public static float roundTrip(float x, DType d) {
        return switch (d) {
            case F16 -> Float.float16ToFloat(Float.floatToFloat16(x));
            case BF16 -> Float.intBitsToFloat(Float.floatToRawIntBits(x) & 0xffff0000);
            default -> x;
        };
    }
}
