package dev.ripple.core.tensor;

import static dev.ripple.core.tensor.LittleEndian.I16;
import static dev.ripple.core.tensor.LittleEndian.I32;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Encodes and decodes any weight type element by element: the scalar types through
 * {@link DType#encode}/{@link DType#decode}, the block types ({@link DType#Q8_0}, {@link DType#Q4_0})
 * block by block, bit for bit as ggml lays them out, with ggml's reference rounding, so that a
 * GGUF file's blocks are copied as they are and weights quantized here are what llama.cpp would
 * produce. The scalar reference of the vector kernels' dequantization.
 *
 * <pre>{@code
 * MemorySegment row = arena.allocate(DType.Q4_0.bytes(4096));
 * Quantization.encode(DType.Q4_0, weights, 0, 4096, row, 0);
 * float w17 = Quantization.get(DType.Q4_0, row, 0, 17);
 * }</pre>
 */
public final class Quantization {
    static final int BLOCK = 32;

    private Quantization() {}

    /**
     * Stores {@code values[from, from + n)} as {@code type} at {@code offset} of {@code dst}
     * ({@code type.bytes(n)} bytes; n a multiple of the block size for block types).
     */
    public static void encode(DType type, float[] values, int from, int n, MemorySegment dst, long offset) {
        switch (type) {
            case Q8_0 -> {
                checkBlocks(type, n);
                for (int b = 0; b < n / BLOCK; b++) {
                    encodeQ8(values, from + b * BLOCK, dst, offset + (long) b * 34);
                }
            }
            case Q4_0 -> {
                checkBlocks(type, n);
                for (int b = 0; b < n / BLOCK; b++) {
                    encodeQ4(values, from + b * BLOCK, dst, offset + (long) b * 18);
                }
            }
            case F32 -> {
                for (int k = 0; k < n; k++) {
                    dst.set(I32, offset + 4L * k, type.encode(values[from + k]));
                }
            }
            case F16, BF16 -> {
                for (int k = 0; k < n; k++) {
                    dst.set(I16, offset + 2L * k, (short) type.encode(values[from + k]));
                }
            }
            default -> throw new IllegalArgumentException(type + " does not hold weights");
        }
    }

    /** Reads {@code n} elements of {@code type} at {@code offset} into {@code out[at, at + n)}. */
    public static void decode(DType type, MemorySegment src, long offset, float[] out, int at, int n) {
        switch (type) {
            case Q8_0 -> {
                checkBlocks(type, n);
                for (int b = 0; b < n / BLOCK; b++) {
                    long base = offset + (long) b * 34;
                    float d = Float.float16ToFloat(src.get(I16, base));
                    for (int j = 0; j < BLOCK; j++) {
                        out[at + b * BLOCK + j] = src.get(ValueLayout.JAVA_BYTE, base + 2 + j) * d;
                    }
                }
            }
            case Q4_0 -> {
                checkBlocks(type, n);
                for (int b = 0; b < n / BLOCK; b++) {
                    long base = offset + (long) b * 18;
                    float d = Float.float16ToFloat(src.get(I16, base));
                    for (int j = 0; j < 16; j++) {
                        int q = src.get(ValueLayout.JAVA_BYTE, base + 2 + j) & 0xFF;
                        out[at + b * BLOCK + j] = ((q & 0x0F) - 8) * d;
                        out[at + b * BLOCK + j + 16] = ((q >>> 4) - 8) * d;
                    }
                }
            }
            case F32 -> {
                for (int k = 0; k < n; k++) {
                    out[at + k] = Float.intBitsToFloat(src.get(I32, offset + 4L * k));
                }
            }
            case F16, BF16 -> {
                for (int k = 0; k < n; k++) {
                    out[at + k] = type.decode(src.get(I16, offset + 2L * k));
                }
            }
            default -> throw new IllegalArgumentException(type + " does not hold weights");
        }
    }

    /** Element {@code index} of a run of {@code type} that starts at {@code offset}. */
    public static float get(DType type, MemorySegment src, long offset, long index) {
        return switch (type) {
            case Q8_0 -> {
                long base = offset + index / BLOCK * 34;
                yield src.get(ValueLayout.JAVA_BYTE, base + 2 + index % BLOCK)
                        * Float.float16ToFloat(src.get(I16, base));
            }
            case Q4_0 -> {
                long base = offset + index / BLOCK * 18;
                int j = (int) (index % BLOCK);
                int q = src.get(ValueLayout.JAVA_BYTE, base + 2 + (j & 15)) & 0xFF;
                yield ((j < 16 ? q & 0x0F : q >>> 4) - 8) * Float.float16ToFloat(src.get(I16, base));
            }
            case F32 -> Float.intBitsToFloat(src.get(I32, offset + 4 * index));
            case F16, BF16 -> type.decode(src.get(I16, offset + 2 * index));
            default -> throw new IllegalArgumentException(type + " does not hold weights");
        };
    }

    /** ggml's reference Q8_0: d = max|x| / 127, q = round(x / d). */
    private static void encodeQ8(float[] x, int from, MemorySegment dst, long at) {
        checkFinite(x, from);
        float amax = 0;
        for (int j = 0; j < BLOCK; j++) {
            amax = Math.max(amax, Math.abs(x[from + j]));
        }
        float d = amax / 127f;
        float id = d != 0 ? 1f / d : 0f;
        dst.set(I16, at, Float.floatToFloat16(d));
        for (int j = 0; j < BLOCK; j++) {
            // C's roundf: halves away from zero (Math.round rounds them up, -2.5 to -2).
            float v = x[from + j] * id;
            int q = Math.round(Math.abs(v));
            dst.set(ValueLayout.JAVA_BYTE, at + 2 + j, (byte) (v < 0 ? -q : q));
        }
    }

    /**
     * ggml's reference Q4_0: d = m / −8 where m is the value of largest magnitude (with its sign),
     * q = min(15, trunc(x / d + 8.5)).
     */
    private static void encodeQ4(float[] x, int from, MemorySegment dst, long at) {
        checkFinite(x, from);
        float amax = 0;
        float max = 0;
        for (int j = 0; j < BLOCK; j++) {
            float v = x[from + j];
            if (Math.abs(v) > amax) {
                amax = Math.abs(v);
                max = v;
            }
        }
        float d = max / -8f;
        float id = d != 0 ? 1f / d : 0f;
        dst.set(I16, at, Float.floatToFloat16(d));
        for (int j = 0; j < 16; j++) {
            int q0 = Math.min(15, (int) (x[from + j] * id + 8.5f));
            int q1 = Math.min(15, (int) (x[from + j + 16] * id + 8.5f));
            dst.set(ValueLayout.JAVA_BYTE, at + 2 + j, (byte) (q0 | (q1 << 4)));
        }
    }

    /** A NaN or infinity would silently poison a block's scale and with it 31 good weights. */
    private static void checkFinite(float[] x, int from) {
        for (int j = 0; j < BLOCK; j++) {
            if (!Float.isFinite(x[from + j])) {
                throw new IllegalArgumentException(
                        "weight " + (from + j) + " is " + x[from + j] + "; blocks quantize finite weights only");
            }
        }
    }

    private static void checkBlocks(DType type, int n) {
        if (n % BLOCK != 0) {
            throw new IllegalArgumentException(type.label() + " holds whole blocks of " + BLOCK + " weights, not " + n);
        }
    }
}
