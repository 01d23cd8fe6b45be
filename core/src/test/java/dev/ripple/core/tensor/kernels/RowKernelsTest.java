package dev.ripple.core.tensor.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.tensor.DType;
import dev.ripple.core.tensor.Quantization;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The contract of the sequence kernels ({@link Kernels#dotRows}, {@link Kernels#axpyRows}): the
 * Vector API tiles agree with the scalar reference for every weight type, every row count up to
 * four, token counts that leave ragged edges (tiles of three and two tokens), lengths with a scalar
 * tail, rows in separate segments at odd offsets, and tokens picked through an index list.
 */
class RowKernelsTest {

    @ParameterizedTest(name = "{0} rows={1} tokens={2} n={3} indexed={4}")
    @CsvSource({
        "F32,4,7,384,false",
        "F32,4,6,13,true",
        "F32,3,5,37,false",
        "F32,1,1,8,true",
        "F32,2,0,16,false",
        "F32,4,1,1,false",
        "F16,4,7,384,true",
        "F16,3,4,33,false",
        "BF16,4,5,40,true",
        "BF16,1,3,7,false",
        "Q8_0,4,7,384,false",
        "Q8_0,2,5,64,true",
        "Q4_0,4,8,384,true",
        "Q4_0,3,3,32,false",
        "F32,4,33,384,false",
        "F32,4,40,24,true",
        "F16,2,17,48,false"
    })
    void vectorMatchesScalar(DType dtype, int rows, int count, int n, boolean indexed) {
        long seed = 31L * n + 7L * rows + count;
        Random rnd = new Random(seed);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] segs = new MemorySegment[Kernels.MAX_ROWS];
            long[] offs = new long[Kernels.MAX_ROWS];
            for (int r = 0; r < rows; r++) {
                offs[r] = 2L * r + (dtype.isQuantized() ? r : 0);
                segs[r] = arena.allocate(offs[r] + dtype.bytes(n) + 16);
                float[] w = gaussian(rnd, n);
                if (dtype.isQuantized()) {
                    Quantization.encode(dtype, w, 0, n, segs[r], offs[r]);
                } else {
                    for (int k = 0; k < n; k++) {
                        if (dtype == DType.F32) {
                            segs[r].set(ScalarKernels.F32, offs[r] + 4L * k, w[k]);
                        } else {
                            segs[r].set(ScalarKernels.I16, offs[r] + 2L * k, (short) dtype.encode(w[k]));
                        }
                    }
                }
            }
            int pool = count + 3;
            float[][] xs = new float[pool][];
            for (int t = 0; t < pool; t++) {
                xs[t] = gaussian(rnd, n);
            }
            int[] tokens = null;
            if (indexed) {
                tokens = new int[count];
                for (int c = 0; c < count; c++) {
                    tokens[c] = pool - 1 - 2 * c % pool;
                }
                tokens = IntStream.of(tokens).distinct().toArray();
                count = tokens.length;
            }
            float[] scratch = new float[Kernels.MAX_ROWS * n];
            Kernels scalar = KernelProvider.scalar();
            Kernels best = KernelProvider.best();

            float[] expected = new float[rows * count];
            float[] actual = new float[rows * count];
            scalar.dotRows(dtype, segs, offs, rows, xs, tokens, count, n, scratch, expected);
            best.dotRows(dtype, segs, offs, rows, xs, tokens, count, n, scratch, actual);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(
                        expected[i],
                        actual[i],
                        1e-5 * Math.sqrt(n) * (1 + Math.abs(expected[i])),
                        "seed " + seed + " dot " + i);
            }

            // The transposed form: the same tokens as a block, each kernel with its own padding.
            float[][] chosen = new float[count][];
            for (int c = 0; c < count; c++) {
                chosen[c] = xs[tokens == null ? c : tokens[c]];
            }
            for (Kernels k : new Kernels[] {scalar, best}) {
                float[] transposed = new float[rows * count];
                k.dotRowsTransposed(
                        dtype,
                        segs,
                        offs,
                        rows,
                        k.transpose(chosen, count, n),
                        k.transposedStride(count),
                        count,
                        n,
                        scratch,
                        transposed);
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(
                            expected[i],
                            transposed[i],
                            1e-5 * Math.sqrt(n) * (1 + Math.abs(expected[i])),
                            k.name() + " seed " + seed + " transposed dot " + i);
                }
            }

            float[] coef = new float[rows * count];
            for (int i = 0; i < coef.length; i++) {
                coef[i] = i % 3 == 1 ? 0f : (float) rnd.nextGaussian();
            }
            float[][] ys1 = copy(xs);
            float[][] ys2 = copy(xs);
            scalar.axpyRows(dtype, segs, offs, rows, coef, ys1, tokens, count, n, scratch);
            best.axpyRows(dtype, segs, offs, rows, coef, ys2, tokens, count, n, scratch);
            for (int t = 0; t < pool; t++) {
                assertArrayEquals(ys1[t], ys2[t], 1e-4f, "seed " + seed + " axpy token " + t);
            }
        }
    }

    /** A tile sums each (row, token) pair in the order dot4 sums each token: same bits, inside a tile and on its edges. */
    @ParameterizedTest(name = "n={0} tokens={1}")
    @CsvSource({"384,7", "13,3", "8,4", "1031,5"})
    void tilesRoundAsTheFourTokenKernel(int n, int count) {
        Random rnd = new Random(n + count);
        Kernels best = KernelProvider.best();
        MemorySegment[] segs = new MemorySegment[4];
        long[] offs = new long[4];
        for (int r = 0; r < 4; r++) {
            segs[r] = MemorySegment.ofArray(gaussian(rnd, n));
        }
        float[][] xs = new float[count + 3][];
        for (int t = 0; t < xs.length; t++) {
            xs[t] = gaussian(rnd, n);
        }
        float[] out = new float[4 * count];
        best.dotRows(DType.F32, segs, offs, 4, xs, null, count, n, new float[4 * n], out);
        float[] four = new float[4];
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < count; c++) {
                best.dot4(DType.F32, segs[r], 0, xs[c], xs[c + 1], xs[c + 2], xs[c + 3], n, null, four);
                assertEquals(
                        Float.floatToRawIntBits(four[0]),
                        Float.floatToRawIntBits(out[r * count + c]),
                        "row " + r + " token " + c);
            }
        }
    }

    @Test
    void moreThanFourRowsAreRefused() {
        MemorySegment[] segs = new MemorySegment[5];
        for (Kernels k : new Kernels[] {KernelProvider.best()}) {
            assertThrows(
                    IllegalArgumentException.class,
                    () -> k.dotRows(DType.F32, segs, new long[5], 5, new float[1][4], null, 1, 4, null, new float[5]));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> k.axpyRows(DType.F32, segs, new long[5], 5, new float[5], new float[1][4], null, 1, 4, null));
        }
    }

    /**
     * The vector GELU (a float erf approximation) stays within 4e-7·max(1, |x|) of the exact one,
     * the scalar reference, from the far negative tail through 0 to large positive values, and
     * maps the special values as GELU does.
     */
    @Test
    void vectorGeluIsWithinItsStatedErrorOfTheExactOne() {
        Random rnd = new Random(5);
        int n = 4099;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i < 2000 ? -12f + 24f * i / 2000f : (float) (rnd.nextGaussian() * (i % 2 == 0 ? 1 : 6));
        }
        v[0] = 0f;
        v[1] = -0f;
        v[2] = 1e-30f;
        v[3] = -40f;
        v[4] = 40f;
        v[n - 1] = -3f; // in the scalar tail
        float[] exact = v.clone();
        float[] fast = v.clone();
        KernelProvider.scalar().gelu(exact, 0, n);
        KernelProvider.best().gelu(fast, 0, n);
        double worst = 0;
        for (int i = 0; i < n; i++) {
            double err = Math.abs(fast[i] - exact[i]) / Math.max(1, Math.abs(v[i]));
            worst = Math.max(worst, err);
            assertTrue(err < 4e-7, "x = " + v[i] + ": " + fast[i] + " against " + exact[i]);
        }
        assertTrue(worst > 0, "the vector kernel is an approximation, not the reference itself");
        assertEquals(0f, fast[0]);
        assertEquals(40f, fast[4]);
        assertEquals(0f, fast[3], 1e-30f);
        float[] part = v.clone();
        KernelProvider.best().gelu(part, 5, 9);
        assertEquals(v[4], part[4], "outside [from, to) untouched");
        assertEquals(v[9], part[9], "outside [from, to) untouched");
    }

    /**
     * Each value's vector GELU is the same bits in a lane as in the scalar tail, which performs the
     * lanes' steps in their order with {@code Math.fma} and float operations: the kernel uses no
     * operation that C2 and the interpreter round differently (as {@code lanewise(EXP)}, the CPU's
     * vector maths library when compiled and {@code Math.exp} when not). Over the exponential's
     * whole range: 0, tiny, moderate, and past its underflow to 0 (|x| above 13.2).
     */
    @Test
    void vectorGeluLanesAreBitForBitItsScalarTail() {
        Random rnd = new Random(9);
        int n = 4096;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i < 1024 ? -14f + 28f * i / 1024f : (float) (rnd.nextGaussian() * (i % 2 == 0 ? 0.01 : 3));
        }
        v[0] = 0f;
        v[1] = -0f;
        v[2] = Float.NaN;
        v[3] = -1e-20f;
        assertTrue(KernelProvider.best() instanceof VectorKernels, "tests run with the Vector API module");
        float[] lanes = v.clone();
        for (int round = 0; round < 2000; round++) { // warm: C2 compiles the loop with its intrinsics
            lanes = v.clone();
            KernelProvider.best().gelu(lanes, 0, n);
        }
        for (int i = 0; i < n; i++) {
            assertEquals(
                    Float.floatToIntBits(VectorKernels.geluScalar(v[i])),
                    Float.floatToIntBits(lanes[i]),
                    "x = " + v[i] + ": lane " + lanes[i] + ", tail " + VectorKernels.geluScalar(v[i]));
        }
        assertTrue(Float.isNaN(lanes[2]));
    }

    /**
     * The exponential of the vector GELU and softmax (plain arithmetic, so that compiled and
     * interpreted code round alike) stays within one ulp of {@link Math#exp} over the range they
     * use, x ≤ 0, down to where e^x leaves the normal floats, where it gives 0.
     */
    @Test
    void theKernelsExponentialIsWithinAnUlpOfMathExp() {
        Random rnd = new Random(5);
        for (int i = 0; i < 200_000; i++) {
            float x = i < 100_000 ? -87.3f * i / 100_000 : (float) (-87.3 * rnd.nextDouble());
            float exact = (float) Math.exp(x);
            float ours = VectorKernels.expScalar(x);
            assertTrue(Math.abs(ours - exact) <= Math.ulp(exact), "e^" + x + ": " + ours + " against " + exact);
        }
        assertEquals(0f, VectorKernels.expScalar(-100f));
        assertEquals(1f, VectorKernels.expScalar(0f));
        assertTrue(Float.isNaN(VectorKernels.expScalar(Float.NaN)));
    }

    /**
     * The fused attention head agrees with the scalar reference (which is the encoder's former
     * loop) for sequence lengths and head sizes with vector tails, and its rows are convex
     * combinations of the values: a one-token sequence returns its own value row.
     */
    @ParameterizedTest(name = "n={0} dh={1}")
    @CsvSource({"1,32", "7,32", "32,32", "45,64", "9,12", "128,32"})
    void attentionMatchesScalar(int n, int dh) {
        Random rnd = new Random(13L * n + dh);
        float[] q = gaussian(rnd, n * dh);
        float[] k = gaussian(rnd, n * dh);
        float[] v = gaussian(rnd, n * dh);
        float scale = (float) (1 / Math.sqrt(dh));
        float[] expected = new float[n * dh];
        float[] actual = new float[n * dh];
        KernelProvider.scalar().attention(q, k, v, n, dh, scale, new float[n * dh + n], expected);
        KernelProvider.best().attention(q, k, v, n, dh, scale, new float[n * dh + n], actual);
        assertArrayEquals(expected, actual, 2e-5f);
        if (n == 1) {
            assertArrayEquals(v, actual, 1e-6f);
        }
    }

    private static float[] gaussian(Random rnd, int n) {
        float[] v = new float[n];
        for (int k = 0; k < n; k++) {
            v[k] = (float) rnd.nextGaussian();
        }
        return v;
    }

    private static float[][] copy(float[][] a) {
        float[][] c = new float[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }
}
