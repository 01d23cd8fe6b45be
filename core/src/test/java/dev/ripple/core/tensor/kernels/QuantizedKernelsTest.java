package dev.ripple.core.tensor.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ripple.core.tensor.DType;
import dev.ripple.core.tensor.Quantization;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The contract of the quantized kernels: dequantizing is exact, so the vector dequantization at
 * every width (128-bit as on ARM phones, 256, 512) equals the scalar reference bit for bit, and a
 * kernel on Q8_0/Q4_0 blocks computes exactly what the same kernel computes on the f32 weights
 * the blocks decode to.
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
        // the species is chosen inline: a method that names VectorSpecies in its signature would make
        // surefire's class discovery fail in Maven's JVM, which has no jdk.incubator.vector (core/pom.xml)
        QuantizedVectors.of(
                        switch (bits) {
                            case 128 -> FloatVector.SPECIES_128;
                            case 256 -> FloatVector.SPECIES_256;
                            case 512 -> FloatVector.SPECIES_512;
                            default -> throw new IllegalArgumentException(bits + " bits");
                        })
                .dequantize(type, seg, offset, actual, n);
        assertArrayEquals(expected, actual);
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
            assertEquals(
                    k.dot(DType.F32, f, 0, x[0], n, scratch), k.dot(type, q, offset, x[0], n, scratch), who + " dot");

            float[] four = new float[4];
            float[] fourRef = new float[4];
            k.dot4(type, q, offset, x[0], x[1], x[2], x[3], n, scratch, four);
            k.dot4(DType.F32, f, 0, x[0], x[1], x[2], x[3], n, scratch, fourRef);
            assertArrayEquals(fourRef, four, who + " dot4");

            float[][] y = {x[0].clone(), x[1].clone(), x[2].clone(), x[3].clone()};
            float[][] yRef = {x[0].clone(), x[1].clone(), x[2].clone(), x[3].clone()};
            k.axpy(type, 0.37f, q, offset, y[0], n, scratch);
            k.axpy(DType.F32, 0.37f, f, 0, yRef[0], n, scratch);
            assertArrayEquals(yRef[0], y[0], who + " axpy");
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
