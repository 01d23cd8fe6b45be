package dev.ripple.placement.importer.gguf;

import java.util.Locale;

/**
 * The types a GGUF metadata value can have, with the codes the file stores (ggml's
 * {@code gguf_type}). Integers are little-endian; a bool is one byte (0 or 1); a string is a
 * {@code uint64} byte length and UTF-8 bytes without a terminator; an array is an element type, a
 * {@code uint64} count and the elements back to back (arrays of arrays are allowed).
 */
public enum GgufValueType {
    UINT8(0, 1),
    INT8(1, 1),
    UINT16(2, 2),
    INT16(3, 2),
    UINT32(4, 4),
    INT32(5, 4),
    FLOAT32(6, 4),
    BOOL(7, 1),
    STRING(8, -1),
    ARRAY(9, -1),
    UINT64(10, 8),
    INT64(11, 8),
    FLOAT64(12, 8);

    private static final GgufValueType[] BY_CODE = values();

    private final int code;
    private final int width;

    GgufValueType(int code, int width) {
        this.code = code;
        this.width = width;
    }

    /** The code stored in the file. */
    public int code() {
        return code;
    }

    /** Bytes of one value, or -1 for strings and arrays (their length is stored with them). */
    public int width() {
        return width;
    }

    /** True for the eight integer types. */
    public boolean isInteger() {
        return this != FLOAT32 && this != FLOAT64 && this != BOOL && width > 0;
    }

    /** True for the unsigned integer types. */
    public boolean isUnsigned() {
        return this == UINT8 || this == UINT16 || this == UINT32 || this == UINT64;
    }

    /** The type of {@code code}, or null when the code is not a GGUF type. */
    public static GgufValueType ofCode(long code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[(int) code] : null;
    }

    /** {@code uint32}, {@code string}, ...: the name GGUF's documentation uses. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
