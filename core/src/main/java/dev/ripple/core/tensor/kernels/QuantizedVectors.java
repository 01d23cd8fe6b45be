package dev.ripple.core.tensor.kernels;

import dev.ripple.core.tensor.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dequantizes Q8_0 and Q4_0 blocks with the Vector API, for one float species: signed bytes (or
 * nibbles less 8) widened to floats and multiplied by the block's scale, which is exact and so
 * gives bit for bit what {@link dev.ripple.core.tensor.Quantization#decode} gives; and the fused
 * one-token Q4_0 kernels ({@link #dotQ4}, {@link #axpyQ4}) that use the blocks without writing them out.
 * {@link #PREFERRED} is what the kernels use; the other shapes (128-bit as on ARM phones, 256,
 * 512-bit) exist so that tests run the same code at every width.
 *
 * <p>One final subclass per width, each returning its species from a static constant: C2
 * intrinsifies a Vector API call only when the species is a compile-time constant. A record
 * holding the species (as this was) gave one only where a method was inlined into a caller that
 * saw {@link #PREFERRED} itself; a kernel C2 compiled on its own (a hot loop often is, before its callers)
 * read the species from a field of an unknown instance, ran the Vector API's Java fallback and
 * allocated every vector, about 28 bytes per weight (PERFORMANCE.md §17, "Fused dequantize-dot").
 * Here {@link #floats()} is a virtual call that class hierarchy analysis binds to the one subclass
 * a run loads (the kernels load only {@link #PREFERRED}'s), so the species folds to a constant
 * wherever the kernel is compiled. Tests that load several widths are slower, not different.
 */
abstract sealed class QuantizedVectors
        permits QuantizedVectors.Bits128, QuantizedVectors.Bits256, QuantizedVectors.Bits512 {
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** A Q4_0 block's 16 packed bytes, loaded at once by the fused kernels at every float width. */
    private static final VectorSpecies<Byte> PACKED = ByteVector.SPECIES_128;

    static final QuantizedVectors PREFERRED = of(FloatVector.SPECIES_PREFERRED);

    /** The float species (its lane count L is 4, 8 or 16). */
    abstract VectorSpecies<Float> floats();

    /** The byte species loaded per step of Q8_0: 8 bytes when L ≤ 8, else L bytes. */
    abstract VectorSpecies<Byte> bytes();

    /** Lane i → lane (i + half) mod L, for each halving step of a lane sum (see {@link #halvesOf}). */
    abstract VectorShuffle<Float>[] halves();

    @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array: Java has no other way to make one
    private static VectorShuffle<Float>[] halvesOf(VectorSpecies<Float> floats) {
        int steps = Integer.numberOfTrailingZeros(floats.length());
        VectorShuffle<Float>[] h = new VectorShuffle[steps];
        for (int i = 0, half = floats.length() / 2; i < steps; i++, half /= 2) {
            h[i] = VectorShuffle.iota(floats, half, 1, true);
        }
        return h;
    }

    static QuantizedVectors of(VectorSpecies<Float> floats) {
        return switch (floats.vectorBitSize()) {
            case 128 -> new Bits128();
            case 256 -> new Bits256();
            case 512 -> new Bits512();
            default -> throw new IllegalArgumentException("float species of " + floats.length() + " lanes");
        };
    }

    static final class Bits128 extends QuantizedVectors {
        private static final VectorShuffle<Float>[] HALVES = halvesOf(FloatVector.SPECIES_128);

        @Override
        VectorShuffle<Float>[] halves() {
            return HALVES;
        }

        @Override
        VectorSpecies<Float> floats() {
            return FloatVector.SPECIES_128;
        }

        @Override
        VectorSpecies<Byte> bytes() {
            return ByteVector.SPECIES_64;
        }
    }

    static final class Bits256 extends QuantizedVectors {
        private static final VectorShuffle<Float>[] HALVES = halvesOf(FloatVector.SPECIES_256);

        @Override
        VectorShuffle<Float>[] halves() {
            return HALVES;
        }

        @Override
        VectorSpecies<Float> floats() {
            return FloatVector.SPECIES_256;
        }

        @Override
        VectorSpecies<Byte> bytes() {
            return ByteVector.SPECIES_64;
        }
    }

    static final class Bits512 extends QuantizedVectors {
        private static final VectorShuffle<Float>[] HALVES = halvesOf(FloatVector.SPECIES_512);

        @Override
        VectorShuffle<Float>[] halves() {
            return HALVES;
        }

        @Override
        VectorSpecies<Float> floats() {
            return FloatVector.SPECIES_512;
        }

        @Override
        VectorSpecies<Byte> bytes() {
            return ByteVector.SPECIES_128;
        }
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

    // The kernels below name every conversion's part as a constant (part 1 only under a guard that
    // is constant for a species) and keep no vector that may be null: C2 intrinsifies a Vector API
    // call while parsing, so a part taken from a loop's counter, or a vector merged with null,
    // sends it to the Java fallback, which allocates each vector.

    /**
     * Σ_k x[k] · w[k] over the n weights of the Q4_0 blocks at {@code offset}, without writing them
     * out: per block the nibbles are widened to floats and multiplied into x in registers, and the
     * block's scale is applied once, {@code Σ_b d_b · (Σ_j q_bj · x_bj)}, as llama.cpp's
     * {@code vec_dot} kernels do. Dequantizing first ({@link #dequantize}, then the f32 loop) costs
     * a store and a load of every weight and a multiply by the scale per weight. Only for Q4_0:
     * a fused Q8_0 kernel (the same loop on signed bytes) was faster on rows in the cache but no
     * faster in {@code ripple generate}, where the rows stream from memory (PERFORMANCE.md §17,
     * "Fused dequantize-dot"), so Q8_0 is dequantized first.
     *
     * <p>The order, fixed so that a result does not depend on whether the JIT has compiled the
     * call (every step is an IEEE operation the interpreter and C2 round alike; no lane reduction
     * of the Vector API): lane l of a block's partial sum takes the products of the block's
     * weights l, l + L, l + 2L, ... in that order, the first a multiply, the others fused
     * multiply-adds; blocks go alternately into two accumulators (even blocks, odd blocks),
     * {@code acc = fma(partial, d_b, acc)}; the two are added and their lanes summed in registers
     * in {@link VectorKernels#sumLanes}'s halving tree (lane i adds lane i + half). Not stored and
     * summed from an array as the f32 {@code dot} does: in a JFR profile of {@code ripple generate}
     * the store and reload of the lanes took more samples than the blocks. The result differs from
     * the dot of the dequantized weights by reassociation only ({@code d·(q·x)} for
     * {@code (d·q)·x}, sums per block).
     */
    float dotQ4(MemorySegment src, long offset, float[] x, int n) {
        VectorSpecies<Float> floats = floats();
        int len = floats.length();
        FloatVector even = FloatVector.zero(floats);
        FloatVector odd = FloatVector.zero(floats);
        for (int b = 0; b < n / 32; b++) {
            long base = offset + (long) b * 18;
            int at = b * 32;
            // 16 packed bytes: low nibbles are weights 0..15, high nibbles 16..31; 16 / L parts each.
            ByteVector packed = ByteVector.fromMemorySegment(PACKED, src, base + 2, ByteOrder.LITTLE_ENDIAN);
            ByteVector low = packed.and((byte) 0x0F).sub((byte) 8);
            ByteVector high =
                    packed.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F).sub((byte) 8);
            FloatVector partial = widen(low, 0).mul(FloatVector.fromArray(floats, x, at));
            if (len <= 8) {
                partial = widen(low, 1).fma(FloatVector.fromArray(floats, x, at + len), partial);
            }
            if (len == 4) {
                partial = widen(low, 2).fma(FloatVector.fromArray(floats, x, at + 8), partial);
                partial = widen(low, 3).fma(FloatVector.fromArray(floats, x, at + 12), partial);
            }
            partial = widen(high, 0).fma(FloatVector.fromArray(floats, x, at + 16), partial);
            if (len <= 8) {
                partial = widen(high, 1).fma(FloatVector.fromArray(floats, x, at + 16 + len), partial);
            }
            if (len == 4) {
                partial = widen(high, 2).fma(FloatVector.fromArray(floats, x, at + 24), partial);
                partial = widen(high, 3).fma(FloatVector.fromArray(floats, x, at + 28), partial);
            }
            FloatVector d = FloatVector.broadcast(floats, Float.float16ToFloat(src.get(I16, base)));
            if ((b & 1) == 0) {
                even = partial.fma(d, even);
            } else {
                odd = partial.fma(d, odd);
            }
        }
        // The halving tree in registers (lane i adds lane i + half), the order of VectorKernels.sumLanes.
        FloatVector sum = even.add(odd);
        for (VectorShuffle<Float> h : halves()) {
            sum = sum.add(sum.rearrange(h));
        }
        return sum.lane(0);
    }

    /**
     * {@code y[k] += a · w[k]} over the n weights of the Q4_0 blocks at {@code offset}, without
     * writing them out: per block one scalar {@code a·d_b}, then {@code y = fma(q, a·d_b, y)} per
     * vector of widened nibbles. Differs from the axpy of the dequantized weights by the rounding of
     * {@code a·d_b} (there {@code q·d_b} is exact and {@code a} multiplies it inside the fused add).
     */
    void axpyQ4(float a, MemorySegment src, long offset, float[] y, int n) {
        VectorSpecies<Float> floats = floats();
        int len = floats.length();
        for (int b = 0; b < n / 32; b++) {
            long base = offset + (long) b * 18;
            int at = b * 32;
            FloatVector ad = FloatVector.broadcast(floats, a * Float.float16ToFloat(src.get(I16, base)));
            ByteVector packed = ByteVector.fromMemorySegment(PACKED, src, base + 2, ByteOrder.LITTLE_ENDIAN);
            ByteVector low = packed.and((byte) 0x0F).sub((byte) 8);
            ByteVector high =
                    packed.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F).sub((byte) 8);
            for (int half = 0; half < 32; half += 16) {
                ByteVector nibbles = half == 0 ? low : high;
                int k = at + half;
                widen(nibbles, 0).fma(ad, FloatVector.fromArray(floats, y, k)).intoArray(y, k);
                if (len <= 8) {
                    widen(nibbles, 1)
                            .fma(ad, FloatVector.fromArray(floats, y, k + len))
                            .intoArray(y, k + len);
                }
                if (len == 4) {
                    widen(nibbles, 2)
                            .fma(ad, FloatVector.fromArray(floats, y, k + 8))
                            .intoArray(y, k + 8);
                    widen(nibbles, 3)
                            .fma(ad, FloatVector.fromArray(floats, y, k + 12))
                            .intoArray(y, k + 12);
                }
            }
        }
    }

    /** Part {@code part} (a constant at every call) of {@code q}'s bytes as floats of this width. */
    private FloatVector widen(ByteVector q, int part) {
        return (FloatVector) q.convertShape(VectorOperators.B2F, floats(), part);
    }

    private void q8(MemorySegment src, long offset, float[] out, int n) {
        VectorSpecies<Float> floats = floats();
        VectorSpecies<Byte> bytes = bytes();
        int len = floats.length();
        int perLoad = bytes.length();
        boolean twoParts = perLoad > len;
        for (int b = 0; b < n / 32; b++) {
            long base = offset + (long) b * 34;
            FloatVector d = FloatVector.broadcast(floats, Float.float16ToFloat(src.get(I16, base)));
            for (int j = 0; j < 32; j += perLoad) {
                ByteVector q = ByteVector.fromMemorySegment(bytes, src, base + 2 + j, ByteOrder.LITTLE_ENDIAN);
                int k = b * 32 + j;
                widen(q, 0).mul(d).intoArray(out, k);
                if (twoParts) {
                    widen(q, 1).mul(d).intoArray(out, k + len);
                }
            }
        }
    }

    private void q4(MemorySegment src, long offset, float[] out, int n) {
        VectorSpecies<Float> floats = floats();
        int len = floats.length();
        for (int b = 0; b < n / 32; b++) {
            long base = offset + (long) b * 18;
            FloatVector d = FloatVector.broadcast(floats, Float.float16ToFloat(src.get(I16, base)));
            // 16 packed bytes: low nibbles are weights 0..15, high nibbles 16..31.
            ByteVector packed = ByteVector.fromMemorySegment(PACKED, src, base + 2, ByteOrder.LITTLE_ENDIAN);
            ByteVector low = packed.and((byte) 0x0F).sub((byte) 8);
            ByteVector high =
                    packed.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F).sub((byte) 8);
            for (int half = 0; half < 32; half += 16) {
                ByteVector nibbles = half == 0 ? low : high;
                int k = b * 32 + half;
                widen(nibbles, 0).mul(d).intoArray(out, k);
                if (len <= 8) {
                    widen(nibbles, 1).mul(d).intoArray(out, k + len);
                }
                if (len == 4) {
                    widen(nibbles, 2).mul(d).intoArray(out, k + 8);
                    widen(nibbles, 3).mul(d).intoArray(out, k + 12);
                }
            }
        }
    }
}
