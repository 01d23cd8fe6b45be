package dev.ripple.core.tensor;

import dev.ripple.core.Labels;

/**
 * Element types a {@code .ripple} section can hold. The numeric code is what the file stores, so
 * codes are never reused; a reader meeting an unknown code reports the file as too new rather
 * than guessing a width.
 *
 * <p>Besides scalar types there are two block-quantized weight types, bit for bit the blocks of
 * ggml (GGUF files): 32 consecutive weights share one f16 scale d.
 * <ul>
 *   <li>{@link #Q8_0}: 34 bytes per block, d then 32 signed bytes q; {@code w = q·d} (8.5 bits per weight);</li>
 *   <li>{@link #Q4_0}: 18 bytes per block, d then 16 bytes whose low nibbles are weights 0..15 and
 *       high nibbles weights 16..31; {@code w = (q − 8)·d} (4.5 bits per weight).</li>
 * </ul>
 * A tensor of a block type has a multiple of 32 elements in each row; {@link #bytes(long)} gives
 * the bytes of a run of elements, {@link Quantization} encodes and decodes blocks.
 */
public enum DType {
    /** Opaque bytes (metadata, blobs). */
    BYTES(0, 1, 1, "bytes"),
    F32(1, 4, 1, "f32"),
    F16(2, 2, 1, "f16"),
    BF16(3, 2, 1, "bf16"),
    I32(4, 4, 1, "i32"),
    Q8_0(16, 34, 32, "q8_0"),
    Q4_0(17, 18, 32, "q4_0");

    private final int code;
    private final int blockBytes;
    private final int blockSize;
    private final String label;

    DType(int code, int blockBytes, int blockSize, String label) {
        this.code = code;
        this.blockBytes = blockBytes;
        this.blockSize = blockSize;
        this.label = label;
    }

    /** The code stored in the file. */
    public int code() {
        return code;
    }

    /**
     * Bytes per element of a scalar type.
     *
     * @throws IllegalStateException for a block type, whose elements have no whole size: use {@link #bytes(long)}
     */
    public int size() {
        if (blockSize != 1) {
            throw new IllegalStateException(
                    label + " stores blocks of " + blockSize + " weights in " + blockBytes + " bytes; use bytes(n)");
        }
        return blockBytes;
    }

    /** Elements per block: 1 for scalar types, 32 for the quantized ones. */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block (per element for scalar types). */
    public int blockBytes() {
        return blockBytes;
    }

    /**
     * Bytes of {@code elements} consecutive elements.
     *
     * @throws IllegalArgumentException for a block type when {@code elements} is not a whole number of blocks
     */
    public long bytes(long elements) {
        if (elements % blockSize != 0) {
            throw new IllegalArgumentException(
                    label + " stores whole blocks of " + blockSize + " elements, not " + elements);
        }
        return Math.multiplyExact(elements / blockSize, (long) blockBytes);
    }

    /** Lower-case name used in metadata JSON, CLI options and reports ({@code f16}). */
    public String label() {
        return label;
    }

    /** True for the types that hold floating-point weights element by element. */
    public boolean isFloat() {
        return this == F32 || this == F16 || this == BF16;
    }

    /** True for the block-quantized weight types. */
    public boolean isQuantized() {
        return this == Q8_0 || this == Q4_0;
    }

    /** True for every type that can hold weights: float or quantized. */
    public boolean holdsWeights() {
        return isFloat() || isQuantized();
    }

    /** Average bits per weight, scale included (4.5 for Q4_0). */
    public double bitsPerWeight() {
        return 8.0 * blockBytes / blockSize;
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

    /** Parses a label such as {@code f16} or {@code q4_0} (case-insensitive). */
    public static DType ofLabel(String label) {
        return Labels.findIgnoringCase(values(), DType::label, label, "dtype");
    }

    /** Converts a float to this scalar type's bits (f32 → int bits, f16/bf16 → low 16 bits). */
    public int encode(float v) {
        return switch (this) {
            case F32 -> Float.floatToRawIntBits(v);
            case F16 -> Float.floatToFloat16(v) & 0xFFFF;
            case BF16 -> bf16Round(v);
            default -> throw new IllegalStateException(this + " does not hold floats element by element");
        };
    }

    /** Reads a value stored in this scalar type back into a float. */
    public float decode(int bits) {
        return switch (this) {
            case F32 -> Float.intBitsToFloat(bits);
            case F16 -> Float.float16ToFloat((short) bits);
            case BF16 -> Float.intBitsToFloat((bits & 0xFFFF) << 16);
            default -> throw new IllegalStateException(this + " does not hold floats element by element");
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
