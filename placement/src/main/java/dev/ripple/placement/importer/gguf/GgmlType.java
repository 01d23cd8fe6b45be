package dev.ripple.placement.importer.gguf;

import dev.ripple.core.tensor.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The element types of ggml tensors, with the codes GGUF files store, the values per block and the
 * bytes per block of each (from ggml's {@code ggml-common.h}), so that every tensor's size can be
 * checked against the file whatever its type. Nine of them can be decoded to floats
 * ({@link #isReadable()}): F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q4_K, Q5_K, Q6_K; the others are
 * listed so that a refusal can name them. Codes 4, 5, 31-33 and 36-38 were removed from ggml and
 * are not listed.
 *
 * <pre>{@code
 * GgmlType t = GgmlType.ofCode(12);                  // Q4_K: 256 values in 144 bytes
 * float[] row = new float[4096];
 * t.dequantize(mapped, offset, row, 0, 4096);        // one row of a Q4_K matrix
 * }</pre>
 */
public enum GgmlType {
    F32(0, 1, 4, BlockDecoders::f32),
    F16(1, 1, 2, BlockDecoders::f16),
    Q4_0(2, 32, 18, BlockDecoders::q4_0),
    Q4_1(3, 32, 20, BlockDecoders::q4_1),
    Q5_0(6, 32, 22, null),
    Q5_1(7, 32, 24, null),
    Q8_0(8, 32, 34, BlockDecoders::q8_0),
    Q8_1(9, 32, 36, null),
    Q2_K(10, 256, 84, null),
    Q3_K(11, 256, 110, null),
    Q4_K(12, 256, 144, BlockDecoders::q4_K),
    Q5_K(13, 256, 176, BlockDecoders::q5_K),
    Q6_K(14, 256, 210, BlockDecoders::q6_K),
    Q8_K(15, 256, 292, null),
    IQ2_XXS(16, 256, 66, null),
    IQ2_XS(17, 256, 74, null),
    IQ3_XXS(18, 256, 98, null),
    IQ1_S(19, 256, 50, null),
    IQ4_NL(20, 32, 18, null),
    IQ3_S(21, 256, 110, null),
    IQ2_S(22, 256, 82, null),
    IQ4_XS(23, 256, 136, null),
    I8(24, 1, 1, null),
    I16(25, 1, 2, null),
    I32(26, 1, 4, null),
    I64(27, 1, 8, null),
    F64(28, 1, 8, null),
    IQ1_M(29, 256, 56, null),
    BF16(30, 1, 2, BlockDecoders::bf16),
    TQ1_0(34, 256, 54, null),
    TQ2_0(35, 256, 66, null),
    MXFP4(39, 32, 17, null),
    NVFP4(40, 64, 36, null),
    Q1_0(41, 128, 18, null);

    /** Bytes copied from the mapping per step of a decode (whole blocks). */
    private static final int CHUNK_BYTES = 1 << 16;

    private static final GgmlType[] BY_CODE = new GgmlType[64];

    static {
        for (GgmlType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;
    private final int blockSize;
    private final int blockBytes;
    private final BlockDecoder decoder;

    GgmlType(int code, int blockSize, int blockBytes, BlockDecoder decoder) {
        this.code = code;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
        this.decoder = decoder;
    }

    /** The code stored in a GGUF tensor info. */
    public int code() {
        return code;
    }

    /** Values per block (1 for the plain types). */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block. */
    public int blockBytes() {
        return blockBytes;
    }

    /** Bits per value: 32 for F32, 8.5 for Q8_0, 4.5 for Q4_0 and Q4_K, 6.5625 for Q6_K. */
    public double bitsPerValue() {
        return 8.0 * blockBytes / blockSize;
    }

    /**
     * The runtime type that stores this type's bytes unchanged: F32, F16, BF16, and Q8_0 and Q4_0,
     * whose blocks core's {@link DType#Q8_0} and {@link DType#Q4_0} lay out bit for bit; null for
     * every other type (Q4_1, the K-quants, ...), which the runtime does not compute on.
     */
    public DType runtimeType() {
        return switch (this) {
            case F32 -> DType.F32;
            case F16 -> DType.F16;
            case BF16 -> DType.BF16;
            case Q8_0 -> DType.Q8_0;
            case Q4_0 -> DType.Q4_0;
            default -> null;
        };
    }

    /** True when {@link #dequantize} can decode this type. */
    public boolean isReadable() {
        return decoder != null;
    }

    /** The types {@link #dequantize} decodes, for messages: {@code F32, F16, ...}. */
    public static String readableTypes() {
        return Arrays.stream(values())
                .filter(GgmlType::isReadable)
                .map(Enum::name)
                .collect(Collectors.joining(", "));
    }

    /** The type of {@code code}, or null for a code that is not (or no longer) a ggml type. */
    public static GgmlType ofCode(long code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[(int) code] : null;
    }

    /**
     * Bytes of a row of {@code n} values.
     *
     * @throws IllegalArgumentException when {@code n} is not a whole number of blocks
     */
    public long rowBytes(long n) {
        if (n % blockSize != 0) {
            throw new IllegalArgumentException(
                    this + " stores blocks of " + blockSize + " values; a row of " + n + " is not");
        }
        return Math.multiplyExact(n / blockSize, (long) blockBytes);
    }

    /**
     * Decodes {@code n} values (whole blocks) starting at byte {@code offset} of {@code src} into
     * {@code dst[at, at + n)}.
     *
     * @throws UnsupportedOperationException for a type that is not {@link #isReadable() readable}
     */
    public void dequantize(MemorySegment src, long offset, float[] dst, int at, int n) {
        BlockDecoder dec = requireDecoder();
        if (n % blockSize != 0) {
            throw new IllegalArgumentException(
                    this + ": " + n + " values are not a whole number of blocks of " + blockSize);
        }
        if (this == F32) {
            MemorySegment.copy(
                    src, ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), offset, dst, at, n);
            return;
        }
        int blocks = n / blockSize;
        int perChunk = Math.max(1, CHUNK_BYTES / blockBytes);
        byte[] buf = new byte[Math.min(blocks, perChunk) * blockBytes];
        long pos = offset;
        int out = at;
        for (int b = 0; b < blocks; ) {
            int count = Math.min(perChunk, blocks - b);
            int bytes = count * blockBytes;
            MemorySegment.copy(src, ValueLayout.JAVA_BYTE, pos, buf, 0, bytes);
            for (int k = 0; k < count; k++) {
                dec.decode(buf, k * blockBytes, dst, out);
                out += blockSize;
            }
            pos += bytes;
            b += count;
        }
    }

    /**
     * As {@link #dequantize(MemorySegment, long, float[], int, int)}, writing {@code n} little-endian
     * f32 values to {@code dst} from byte {@code dstOffset}.
     */
    public void dequantize(MemorySegment src, long offset, MemorySegment dst, long dstOffset, long n) {
        requireDecoder();
        if (n % blockSize != 0) {
            throw new IllegalArgumentException(
                    this + ": " + n + " values are not a whole number of blocks of " + blockSize);
        }
        int step = Math.max(blockSize, (CHUNK_BYTES / blockBytes) * blockSize);
        float[] vals = new float[(int) Math.min(n, step)];
        ValueLayout.OfFloat f32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        for (long done = 0; done < n; ) {
            int count = (int) Math.min(step, n - done);
            dequantize(src, offset + done / blockSize * blockBytes, vals, 0, count);
            MemorySegment.copy(vals, 0, dst, f32, dstOffset + 4 * done, count);
            done += count;
        }
    }

    private BlockDecoder requireDecoder() {
        if (decoder == null) {
            throw new UnsupportedOperationException(
                    String.format(Locale.ROOT, "ggml type %s is not decoded (%s are)", this, readableTypes()));
        }
        return decoder;
    }
}
