package dev.ripple.core.tensor.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.tensor.DType;
import dev.ripple.core.tensor.LittleEndian;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Vector API kernels agree with the scalar reference over awkward sizes and offsets. */
class KernelsTest {

    @ParameterizedTest(name = "{0} n={1} offset={2}")
    @CsvSource({
        "F32,1,0",
        "F32,7,4",
        "F32,13,12",
        "F32,384,0",
        "F32,4097,8",
        "F16,1,2",
        "F16,7,0",
        "F16,13,6",
        "F16,384,2",
        "F16,4097,0",
        "BF16,7,2",
        "BF16,4097,0"
    })
    void vectorMatchesScalar(DType dtype, int n, int offset) {
        long seed = 1000L * n + offset;
        Random rnd = new Random(seed);
        Kernels best = KernelProvider.best();
        Kernels scalar = KernelProvider.scalar();
        assertTrue(
                best.name().startsWith("vector"), "tests run with the Vector API module: " + KernelProvider.reason());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(offset + (long) n * dtype.size() + 16);
            float[] x = new float[n];
            for (int k = 0; k < n; k++) {
                float w = (float) rnd.nextGaussian();
                x[k] = (float) rnd.nextGaussian();
                store(seg, dtype, offset + (long) k * dtype.size(), w);
            }
            float[] scratch = new float[n];
            float expected = scalar.dot(dtype, seg, offset, x, n, scratch);
            float actual = best.dot(dtype, seg, offset, x, n, scratch);
            double tolerance = 1e-5 * Math.sqrt(n) * (1 + Math.abs(expected));
            assertEquals(expected, actual, tolerance, "seed " + seed);

            float[] y1 = x.clone();
            float[] y2 = x.clone();
            scalar.axpy(dtype, 0.75f, seg, offset, y1, n, scratch);
            best.axpy(dtype, 0.75f, seg, offset, y2, n, scratch);
            assertArrayEquals(y1, y2, 1e-5f, "seed " + seed);
        }
    }

    /** The four-token kernels of both implementations agree with four single-token calls of the reference. */
    @ParameterizedTest(name = "{0} n={1} offset={2}")
    @CsvSource({"F32,1,0", "F32,13,12", "F32,384,0", "F32,1000,8", "F16,7,2", "F16,384,0", "BF16,33,2"})
    void fourTokenKernelsMatchFourSingleCalls(DType dtype, int n, int offset) {
        Random rnd = new Random(77L * n + offset);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(offset + (long) n * dtype.size() + 16);
            for (int k = 0; k < n; k++) {
                float w = (float) rnd.nextGaussian();
                store(seg, dtype, offset + (long) k * dtype.size(), w);
            }
            float[][] xs = new float[4][n];
            for (float[] x : xs) {
                for (int k = 0; k < n; k++) {
                    x[k] = (float) rnd.nextGaussian();
                }
            }
            float[] scratch = new float[n];
            Kernels scalar = KernelProvider.scalar();
            float[] a = {0.5f, -1.25f, 0f, 2f};
            for (Kernels k : new Kernels[] {KernelProvider.best(), scalar}) {
                float[] four = new float[4];
                k.dot4(dtype, seg, offset, xs[0], xs[1], xs[2], xs[3], n, scratch, four);
                float[][] ys = {xs[0].clone(), xs[1].clone(), xs[2].clone(), xs[3].clone()};
                k.axpy4(dtype, a[0], a[1], a[2], a[3], seg, offset, ys[0], ys[1], ys[2], ys[3], n, scratch);
                for (int i = 0; i < 4; i++) {
                    float expected = scalar.dot(dtype, seg, offset, xs[i], n, scratch);
                    assertEquals(
                            expected, four[i], 1e-5 * Math.sqrt(n) * (1 + Math.abs(expected)), k.name() + " dot " + i);
                    float[] y = xs[i].clone();
                    scalar.axpy(dtype, a[i], seg, offset, y, n, scratch);
                    assertArrayEquals(y, ys[i], 1e-5f, k.name() + " axpy " + i);
                }
            }
        }
    }

    /**
     * The vector dot products sum in one documented order, emulated lane by lane ({@link VectorOrder}): so their
     * results cannot depend on whether the JIT compiled them (an intrinsified reduceLanes sums in a
     * different order from the interpreted one, and did make the first calls of a run differ).
     */
    @ParameterizedTest(name = "n={0}")
    @CsvSource({"1", "7", "8", "33", "384", "1031"})
    void vectorDotsFollowTheirDocumentedOrderExactly(int n) {
        Kernels best = KernelProvider.best();
        int lanes = Integer.parseInt(best.name().substring("vector-".length())) / 32;
        Random rnd = new Random(n);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(4L * n);
            float[] w = new float[n];
            float[][] xs = new float[4][n];
            for (int k = 0; k < n; k++) {
                w[k] = (float) rnd.nextGaussian();
                seg.set(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 4L * k, w[k]);
                for (float[] x : xs) {
                    x[k] = (float) rnd.nextGaussian();
                }
            }
            assertEquals(
                    Float.floatToRawIntBits(VectorOrder.fourChainDot(w, xs[0], n, lanes)),
                    Float.floatToRawIntBits(best.dot(DType.F32, seg, 0, xs[0], n, null)),
                    "dot");
            float[] four = new float[4];
            best.dot4(DType.F32, seg, 0, xs[0], xs[1], xs[2], xs[3], n, null, four);
            for (int i = 0; i < 4; i++) {
                assertEquals(
                        Float.floatToRawIntBits(VectorOrder.oneChainDot(w, xs[i], n, lanes)),
                        Float.floatToRawIntBits(four[i]),
                        "dot4 token " + i);
            }
        }
    }

    /** Stores {@code w} at byte {@code at} of {@code seg} as a weight of type {@code dtype}. */
    private static void store(MemorySegment seg, DType dtype, long at, float w) {
        if (dtype == DType.F32) {
            seg.set(LittleEndian.F32, at, w);
        } else {
            seg.set(LittleEndian.I16, at, (short) dtype.encode(w));
        }
    }
}
