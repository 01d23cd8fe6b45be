package dev.ripple.core.tensor.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ripple.core.tensor.DType;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Vector API sequence kernels' order of operations, written out in scalar Java ({@link VectorOrder}) and compared
 * bit for bit, cold and after C2 has compiled the kernels: a change that moves where a kernel keeps
 * its partial sums (registers, an array, another method) must not move a rounding. {@code dotRows}:
 * per (row, token) one accumulator of lane-wise fused multiply-adds, the halving tree of lane
 * sums, then the scalar tail; {@code dotRowsTransposed}: one fused multiply-add chain per pair over
 * k in order. Results land in their places of {@code out} and nowhere else.
 */
class SumOrderTest {
    private static final int LANES = FloatVector.SPECIES_PREFERRED.length();
    /** Enough calls for C2 to compile the kernels (tiered thresholds are a few thousand calls). */
    private static final int WARM_CALLS = 6_000;

    private static final Kernels VECTOR = new VectorKernels();

    @ParameterizedTest(name = "rows={0} tokens={1} n={2}")
    @CsvSource({"4,4,384", "4,3,384", "3,5,37", "1,2,13", "4,7,1031", "2,1,16"})
    void dotRowsSumsEachPairInTheLaneTreeOrder(int rows, int count, int n) {
        Rows in = Rows.random(new Random(17L * n + rows + 101L * count), rows, count, n);
        float[][] w = in.w();
        float[][] xs = in.xs();
        float[] expected = new float[rows * count];
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < count; t++) {
                expected[r * count + t] = VectorOrder.oneChainDot(w[r], xs[t], n, LANES);
            }
        }
        float[] scratch = new float[rows * n];
        for (int call = 0; call < WARM_CALLS; call++) {
            float[] out = new float[rows * count];
            VECTOR.dotRows(DType.F32, in.segs(), new long[rows], rows, xs, null, count, n, scratch, out);
            if (call == 0 || call == WARM_CALLS - 1) {
                assertBits(expected, out, rows * count, "call " + call);
            }
        }
    }

    @ParameterizedTest(name = "rows={0} tokens={1} n={2}")
    @CsvSource({"4,8,384", "4,1,64", "3,5,37", "2,16,24", "1,17,13", "4,33,40", "4,32,8"})
    void dotRowsTransposedChainsEachPairInOrderAndWritesOnlyItsPlaces(int rows, int count, int n) {
        Rows in = Rows.random(new Random(23L * n + rows + 7L * count), rows, count, n);
        float[][] w = in.w();
        float[][] xs = in.xs();
        float[] xT = VECTOR.transpose(xs, count, n);
        int stride = VECTOR.transposedStride(count);
        float[] expected = new float[rows * count];
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < count; t++) {
                float c = 0f;
                for (int k = 0; k < n; k++) {
                    c = Math.fma(w[r][k], xs[t][k], c);
                }
                expected[r * count + t] = c;
            }
        }
        float[] scratch = new float[rows * n];
        int guard = 2 * LANES + 3; // floats past the results, which the kernel must leave as they are
        for (int call = 0; call < WARM_CALLS; call++) {
            float[] out = new float[rows * count + guard];
            Arrays.fill(out, -7.5f);
            VECTOR.dotRowsTransposed(DType.F32, in.segs(), new long[rows], rows, xT, stride, count, n, scratch, out);
            if (call == 0 || call == WARM_CALLS - 1) {
                assertBits(expected, out, rows * count, "call " + call);
                for (int i = rows * count; i < out.length; i++) {
                    assertEquals(-7.5f, out[i], "call " + call + ": written past the results at " + i);
                }
            }
        }
    }

    /**
     * The f32 {@code dot} over a segment (attention's scores over an f32 KV cache) sums its lanes
     * through an array since it stopped boxing its vector for {@code sum}: still four chains of
     * fused multiply-adds, {@code (acc0 + acc1) + (acc2 + acc3)}, the halving tree, the scalar tail,
     * with and without a scratch array given.
     */
    @ParameterizedTest(name = "n={0}")
    @CsvSource({"64", "128", "37", "13", "200", "1031"})
    void segmentDotSumsItsChainsInTheLaneTreeOrder(int n) {
        Random rnd = new Random(31L * n);
        float[] w = gaussian(rnd, n);
        float[] x = gaussian(rnd, n);
        MemorySegment seg = MemorySegment.ofArray(w);
        int bits = Float.floatToRawIntBits(VectorOrder.fourChainDot(w, x, n, LANES));
        float[] scratch = new float[n];
        for (int call = 0; call < WARM_CALLS; call++) {
            float given = VECTOR.dot(DType.F32, seg, 0, x, n, scratch);
            float none = VECTOR.dot(DType.F32, seg, 0, x, n, null);
            if (call == 0 || call == WARM_CALLS - 1) {
                assertEquals(bits, Float.floatToRawIntBits(given), "call " + call + ", scratch given");
                assertEquals(bits, Float.floatToRawIntBits(none), "call " + call + ", no scratch");
            }
        }
    }

    private static void assertBits(float[] expected, float[] actual, int n, String what) {
        for (int i = 0; i < n; i++) {
            assertEquals(
                    Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), what + ", index " + i);
        }
    }

    /** Gaussian f32 rows (as segments too, at offset 0) and tokens. */
    private record Rows(float[][] w, MemorySegment[] segs, float[][] xs) {
        static Rows random(Random rnd, int rows, int count, int n) {
            float[][] w = new float[rows][];
            MemorySegment[] segs = new MemorySegment[rows];
            for (int r = 0; r < rows; r++) {
                w[r] = gaussian(rnd, n);
                segs[r] = MemorySegment.ofArray(w[r]);
            }
            float[][] xs = new float[count][];
            for (int t = 0; t < count; t++) {
                xs[t] = gaussian(rnd, n);
            }
            return new Rows(w, segs, xs);
        }
    }

    private static float[] gaussian(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }
}
