package dev.ripple.core.tensor.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ripple.core.tensor.DType;
import dev.ripple.core.tensor.LittleEndian;
import dev.ripple.core.tensor.Quantization;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The contract of the quantized kernels: dequantizing is exact, so the vector dequantization at
 * every width (128-bit as on ARM phones, 256, 512) equals the scalar reference bit for bit, and a
 * kernel on Q8_0/Q4_0 blocks computes exactly what the same kernel computes on the f32 weights
 * the blocks decode to; except the vector one-token {@code dot} and {@code axpy} on Q4_0, which are
 * fused (no dequantized row: the scale applied per block) and follow their own documented order
 * exactly, within the reassociation tolerance of the others.
 */
class QuantizedKernelsTest {

    @ParameterizedTest(name = "{0} {1} blocks at offset {2}, {3}-bit")
    @CsvSource({
        "Q8_0,1,0,128",
        "Q8_0,5,3,128",
        "Q8_0,12,1,256",
        "Q8_0,7,0,512",
        "Q4_0,1,0,128",
        "Q4_0,5,3,128",
        "Q4_0,12,1,256",
        "Q4_0,7,2,512"
    })
    void vectorDequantizationEqualsTheScalarReference(DType type, int blocks, int offset, int bits) {
        int n = 32 * blocks;
        MemorySegment seg = randomBlocks(type, n, offset, 7L * blocks + offset);
        float[] expected = new float[n];
        Quantization.decode(type, seg, offset, expected, 0, n);
        float[] actual = new float[n];
        shape(bits).dequantize(type, seg, offset, actual, n);
        assertArrayEquals(expected, actual);
    }

    /**
     * The fused Q4_0 dot at every width follows its documented order bit for bit ({@link VectorOrder#blockDot}),
     * on the first call and after C2 has compiled it: odd block counts (the odd accumulator one
     * block short), offsets that leave every load unaligned.
     */
    @ParameterizedTest(name = "{0} {1} blocks at offset {2}, {3}-bit")
    @CsvSource({"Q4_0,1,1,128", "Q4_0,5,3,128", "Q4_0,2,0,256", "Q4_0,9,6,256", "Q4_0,7,2,512", "Q4_0,24,1,512"})
    void fusedDotFollowsItsDocumentedOrderAtEveryWidth(DType type, int blocks, int offset, int bits) {
        int n = 32 * blocks;
        MemorySegment seg = randomBlocks(type, n, offset, 11L * blocks + offset);
        float[] x = gaussian(new Random(n + offset), n);
        QuantizedVectors shape = shape(bits);
        int expected = Float.floatToRawIntBits(
                VectorOrder.blockDot(integers(type, seg, offset, n), scales(type, seg, offset, n), x, n, bits / 32));
        for (int call = 0; call < WARM_CALLS; call++) {
            float actual = shape.dotQ4(seg, offset, x, n);
            if (call == 0 || call == WARM_CALLS - 1) {
                assertEquals(expected, Float.floatToRawIntBits(actual), "call " + call);
            }
        }
    }

    /** The fused Q4_0 axpy at every width adds {@code fma(q, a·d_b, y)} per weight, exactly. */
    @ParameterizedTest(name = "{0} {1} blocks at offset {2}, {3}-bit")
    @CsvSource({"Q4_0,1,1,128", "Q4_0,3,0,128", "Q4_0,5,0,256", "Q4_0,4,3,256", "Q4_0,7,2,512", "Q4_0,13,1,512"})
    void fusedAxpyAddsEachWeightScaledOnceAtEveryWidth(DType type, int blocks, int offset, int bits) {
        int n = 32 * blocks;
        MemorySegment seg = randomBlocks(type, n, offset, 13L * blocks + offset);
        float[] y = gaussian(new Random(n - offset), n);
        float a = -0.37f;
        int[] q = integers(type, seg, offset, n);
        float[] d = scales(type, seg, offset, n);
        float[] expected = y.clone();
        for (int k = 0; k < n; k++) {
            expected[k] = Math.fma((float) q[k], a * d[k / 32], expected[k]);
        }
        for (int call = 0; call < WARM_CALLS; call++) {
            float[] actual = y.clone();
            shape(bits).axpyQ4(a, seg, offset, actual, n);
            if (call == 0 || call == WARM_CALLS - 1) {
                assertArrayEquals(expected, actual, "call " + call);
            }
        }
    }

    /**
     * The kernels' contract on blocks against the scalar reference on the same blocks: within
     * the tolerance {@link KernelsTest} allows the f32 and f16 dots for reassociation (the fused
     * Q4_0 dot sums per block and scales once, the reference dequantizes and sums in index order).
     */
    @ParameterizedTest(name = "{0} n={1} offset={2}")
    @CsvSource({"Q8_0,32,0", "Q8_0,96,3", "Q8_0,4096,1", "Q8_0,11008,0", "Q4_0,32,5", "Q4_0,160,0", "Q4_0,4096,7"})
    void fusedKernelsMatchTheScalarReference(DType type, int n, int offset) {
        MemorySegment seg = randomBlocks(type, n, offset, 3L * n + offset);
        float[] x = gaussian(new Random(n * 31L + offset), n);
        float[] scratch = new float[n];
        Kernels scalar = KernelProvider.scalar();
        Kernels best = KernelProvider.best();
        float expected = scalar.dot(type, seg, offset, x, n, scratch);
        assertEquals(
                expected, best.dot(type, seg, offset, x, n, scratch), 1e-5 * Math.sqrt(n) * (1 + Math.abs(expected)));
        float[] y1 = x.clone();
        float[] y2 = x.clone();
        scalar.axpy(type, 0.75f, seg, offset, y1, n, scratch);
        best.axpy(type, 0.75f, seg, offset, y2, n, scratch);
        assertArrayEquals(y1, y2, 1e-5f);
    }

    /** Enough calls for C2 to compile the kernels (tiered thresholds are a few thousand calls). */
    private static final int WARM_CALLS = 6_000;

    private static QuantizedVectors shape(int bits) {
        // the species is chosen inline: a method that names VectorSpecies in its signature would make
        // surefire's class discovery fail in Maven's JVM, which has no jdk.incubator.vector (core/pom.xml)
        return QuantizedVectors.of(
                switch (bits) {
                    case 128 -> FloatVector.SPECIES_128;
                    case 256 -> FloatVector.SPECIES_256;
                    case 512 -> FloatVector.SPECIES_512;
                    default -> throw new IllegalArgumentException(bits + " bits");
                });
    }

    /** The blocks' integer weights, read from the bytes as ggml lays them out: signed bytes, or nibbles less 8. */
    private static int[] integers(DType type, MemorySegment seg, long offset, int n) {
        int[] q = new int[n];
        for (int k = 0; k < n; k++) {
            int b = k / 32;
            int j = k % 32;
            if (type == DType.Q8_0) {
                q[k] = seg.get(ValueLayout.JAVA_BYTE, offset + 34L * b + 2 + j);
            } else {
                int packed = seg.get(ValueLayout.JAVA_BYTE, offset + 18L * b + 2 + j % 16) & 0xFF;
                q[k] = (j < 16 ? packed & 0x0F : packed >>> 4) - 8;
            }
        }
        return q;
    }

    /** The blocks' scales, the f16 at each block's start. */
    private static float[] scales(DType type, MemorySegment seg, long offset, int n) {
        float[] d = new float[n / 32];
        for (int b = 0; b < d.length; b++) {
            d[b] = Float.float16ToFloat(seg.get(LittleEndian.I16, offset + type.bytes(32) * b));
        }
        return d;
    }

    private static float[] gaussian(Random rnd, int n) {
        float[] v = new float[n];
        for (int k = 0; k < n; k++) {
            v[k] = (float) rnd.nextGaussian();
        }
        return v;
    }

    @ParameterizedTest(name = "{0} n={1} offset={2}")
    @CsvSource({"Q8_0,32,0", "Q8_0,384,5", "Q8_0,4096,0", "Q4_0,32,1", "Q4_0,384,0", "Q4_0,4096,3"})
    void kernelsOnBlocksEqualTheSameKernelsOnTheDecodedWeights(DType type, int n, int offset) {
        MemorySegment q = randomBlocks(type, n, offset, n + offset);
        float[] w = new float[n];
        Quantization.decode(type, q, offset, w, 0, n);
        MemorySegment f = MemorySegment.ofArray(w);
        Random rnd = new Random(n);
        float[][] x = new float[4][n];
        for (float[] row : x) {
            for (int k = 0; k < n; k++) {
                row[k] = (float) rnd.nextGaussian();
            }
        }
        float[] scratch = new float[n];
        for (Kernels k : new Kernels[] {KernelProvider.scalar(), KernelProvider.best()}) {
            String who = k.name() + " " + type.label();
            float dense = k.dot(DType.F32, f, 0, x[0], n, scratch);
            float onBlocks = k.dot(type, q, offset, x[0], n, scratch);
            if (k == KernelProvider.scalar() || type == DType.Q8_0) {
                assertEquals(dense, onBlocks, who + " dot");
            } else {
                // fused: the scale applied per block, not per weight (fusedDotFollowsItsDocumentedOrderAtEveryWidth)
                assertEquals(dense, onBlocks, 1e-5 * Math.sqrt(n) * (1 + Math.abs(dense)), who + " dot");
            }

            float[] four = new float[4];
            float[] fourRef = new float[4];
            k.dot4(type, q, offset, x[0], x[1], x[2], x[3], n, scratch, four);
            k.dot4(DType.F32, f, 0, x[0], x[1], x[2], x[3], n, scratch, fourRef);
            assertArrayEquals(fourRef, four, who + " dot4");

            float[][] y = {x[0].clone(), x[1].clone(), x[2].clone(), x[3].clone()};
            float[][] yRef = {x[0].clone(), x[1].clone(), x[2].clone(), x[3].clone()};
            k.axpy(type, 0.37f, q, offset, y[0], n, scratch);
            k.axpy(DType.F32, 0.37f, f, 0, yRef[0], n, scratch);
            // the vector one fused: a·d rounded once per block (fusedAxpyAddsEachWeightScaledOnceAtEveryWidth)
            assertArrayEquals(
                    yRef[0], y[0], k == KernelProvider.scalar() || type == DType.Q8_0 ? 0f : 1e-5f, who + " axpy");
            y[0] = yRef[0].clone();
            k.axpy4(type, 1f, -2f, 0.5f, 3f, q, offset, y[0], y[1], y[2], y[3], n, scratch);
            k.axpy4(DType.F32, 1f, -2f, 0.5f, 3f, f, 0, yRef[0], yRef[1], yRef[2], yRef[3], n, scratch);
            for (int t = 0; t < 4; t++) {
                assertArrayEquals(yRef[t], y[t], who + " axpy4 token " + t);
            }
        }
    }

    /** n weights of {@code type} at an odd {@code offset}, so loads are unaligned as in a packed bundle. */
    private static MemorySegment randomBlocks(DType type, int n, int offset, long seed) {
        Random rnd = new Random(seed);
        float[] w = new float[n];
        for (int k = 0; k < n; k++) {
            w[k] = (float) rnd.nextGaussian();
        }
        MemorySegment seg = Arena.ofAuto().allocate(offset + type.bytes(n));
        Quantization.encode(type, w, 0, n, seg, offset);
        return seg;
    }
}
