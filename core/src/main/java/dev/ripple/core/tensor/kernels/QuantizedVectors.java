package dev.ripple.core.tensor.kernels;

import dev.ripple.core.tensor.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dequantizes Q8_0 and Q4_0 blocks with the Vector API, for one float species: signed bytes (or
 * nibbles less 8) widened to floats and multiplied by the block's scale, which is exact and so
 * gives bit for bit what {@link dev.ripple.core.tensor.Quantization#decode} gives. A record, so
 * that C2 trusts its species as a constant: {@link #PREFERRED} is what the kernels use, the other
 * shapes (128-bit as on ARM phones, 512-bit) exist so that tests run the same code at every width.
 *
 * @param floats the float species (its lane count L is 4, 8 or 16)
 * @param bytes  the byte species loaded per step: 8 bytes when L ≤ 8, else L bytes
 */
record QuantizedVectors(VectorSpecies<Float> floats, VectorSpecies<Byte> bytes) {
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    static final QuantizedVectors PREFERRED = of(FloatVector.SPECIES_PREFERRED);

    static QuantizedVectors of(VectorSpecies<Float> floats) {
        int lanes = floats.length();
        VectorSpecies<Byte> bytes = lanes <= 8 ? ByteVector.SPECIES_64 : ByteVector.SPECIES_128;
        if (lanes != 4 && lanes != 8 && lanes != 16) {
            throw new IllegalArgumentException("float species of " + lanes + " lanes");
        }
        return new QuantizedVectors(floats, bytes);
    }

    /** Writes the n weights of {@code type} blocks at {@code offset} into {@code out[0, n)}. */
    void dequantize(DType type, MemorySegment src, long offset, float[] out, int n) {
        if (type == DType.Q8_0) {
            q8(src, offset, out, n);
        } else if (type == DType.Q4_0) {
            q4(src, offset, out, n);
        } else {
            throw new IllegalArgumentException(type + " is not a block-quantized type");
        }
    }

    private void q8(MemorySegment src, long offset, float[] out, int n) {
        int lanes = floats.length();
        int perLoad = bytes.length();
        int parts = perLoad / lanes;
        for (int b = 0; b < n / 32; b++) {
            long base = offset + (long) b * 34;
            FloatVector d = FloatVector.broadcast(floats, Float.float16ToFloat(src.get(I16, base)));
            for (int j = 0; j < 32; j += perLoad) {
                ByteVector q = ByteVector.fromMemorySegment(bytes, src, base + 2 + j, ByteOrder.LITTLE_ENDIAN);
                for (int part = 0; part < Math.max(1, parts); part++) {
                    ((FloatVector) q.convertShape(VectorOperators.B2F, floats, part))
                            .mul(d)
                            .intoArray(out, b * 32 + j + part * lanes);
                }
            }
        }
    }

    private void q4(MemorySegment src, long offset, float[] out, int n) {
        int lanes = floats.length();
        for (int b = 0; b < n / 32; b++) {
            long base = offset + (long) b * 18;
            FloatVector d = FloatVector.broadcast(floats, Float.float16ToFloat(src.get(I16, base)));
            // 16 packed bytes: low nibbles are weights 0..15, high nibbles 16..31.
            for (int j = 0; j < 16; j += bytes.length()) {
                ByteVector packed = ByteVector.fromMemorySegment(bytes, src, base + 2 + j, ByteOrder.LITTLE_ENDIAN);
                ByteVector low = packed.and((byte) 0x0F).sub((byte) 8);
                ByteVector high = packed.lanewise(VectorOperators.LSHR, 4)
                        .and((byte) 0x0F)
                        .sub((byte) 8);
                int parts = bytes.length() / lanes;
                for (int part = 0; part < parts; part++) {
                    ((FloatVector) low.convertShape(VectorOperators.B2F, floats, part))
                            .mul(d)
                            .intoArray(out, b * 32 + j + part * lanes);
                    ((FloatVector) high.convertShape(VectorOperators.B2F, floats, part))
                            .mul(d)
                            .intoArray(out, b * 32 + 16 + j + part * lanes);
                }
            }
        }
    }
}
