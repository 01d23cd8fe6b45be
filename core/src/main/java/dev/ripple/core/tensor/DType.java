package dev.ripple.core.tensor;

/**
 * Element types a {@code .ripple} section can hold. The numeric code is what the file stores, so
 * codes are never reused; a reader meeting an unknown code reports the file as too new rather
 * than guessing a width.
 */
public enum DType {
    /** Opaque bytes (metadata, blobs). */
    BYTES(0, 1, "bytes"),
    F32(1, 4, "f32"),
    F16(2, 2, "f16"),
    BF16(3, 2, "bf16"),
    I32(4, 4, "i32");

    private final int code;
    private final int size;
    private final String label;

    DType(int code, int size, String label) {
        this.code = code;
        this.size = size;
        this.label = label;
    }

    /** The code stored in the file. */
    public int code() {
        return code;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    /** Lower-case name used in metadata JSON, CLI options and reports ({@code f16}). */
    public String label() {
        return label;
    }

    /** True for the types that hold floating-point weights. */
    public boolean isFloat() {
        return this == F32 || this == F16 || this == BF16;
    }

    /** @throws IllegalArgumentException for a code this version does not know */
    public static DType ofCode(int code) {
        for (DType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown dtype code " + code);
    }

    /** Parses a label such as {@code f16} (case-insensitive). */
    public static DType ofLabel(String label) {
        for (DType t : values()) {
            if (t.label.equalsIgnoreCase(label)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown dtype '" + label + "' (known: f32, f16, bf16, i32)");
    }

    /** Converts a float to this type's bits (f32 → int bits, f16/bf16 → low 16 bits). */
    public int encode(float v) {
        return switch (this) {
            case F32 -> Float.floatToRawIntBits(v);
            case F16 -> Float.floatToFloat16(v) & 0xFFFF;
            case BF16 -> bf16Round(v);
            default -> throw new IllegalStateException(this + " does not hold floats");
        };
    }

    /** Reads a value stored in this type back into a float. */
    public float decode(int bits) {
        return switch (this) {
            case F32 -> Float.intBitsToFloat(bits);
            case F16 -> Float.float16ToFloat((short) bits);
            case BF16 -> Float.intBitsToFloat((bits & 0xFFFF) << 16);
            default -> throw new IllegalStateException(this + " does not hold floats");
        };
    }

    /** Round-to-nearest-even truncation of f32 to bf16; NaN stays NaN. */
    private static int bf16Round(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) {
            return ((bits >>> 16) | 0x40) & 0xFFFF;
        }
        int lsb = (bits >>> 16) & 1;
        return ((bits + 0x7FFF + lsb) >>> 16) & 0xFFFF;
    }
}
