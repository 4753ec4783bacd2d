package org.tornadogpt.weights;

import java.util.Optional;

/** Element types of the safetensors format, with their size in bytes. */
public enum DType {
    BOOL(1),
    U8(1),
    I8(1),
    F8_E5M2(1),
    F8_E4M3(1),
    I16(2),
    U16(2),
    F16(2),
    BF16(2),
    I32(4),
    U32(4),
    F32(4),
    I64(8),
    U64(8),
    F64(8);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** True for types {@code readFloats} can convert to float32 (F32, F16, BF16, F64). */
    public boolean isFloatConvertible() {
        return this == F32 || this == F16 || this == BF16 || this == F64;
    }

    /** True for types {@code readInts} accepts (signed/unsigned integers of up to 64 bits). */
    public boolean isIntConvertible() {
        return switch (this) {
            case U8, I8, I16, U16, I32, U32, I64, U64 -> true;
            default -> false;
        };
    }

    /** The dtype spelled exactly as in a safetensors header ({@code "F32"}, {@code "BF16"}...). */
    public static Optional<DType> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        for (DType t : values()) {
            if (t.name().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
