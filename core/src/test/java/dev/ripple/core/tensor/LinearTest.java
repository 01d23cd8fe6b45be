package dev.ripple.core.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ripple.core.tensor.kernels.KernelProvider;
import dev.ripple.core.tensor.kernels.Kernels;
import dev.ripple.core.testing.RandomModels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Resident projections read in place in their stored type, against a plain double-precision loop
 * over the same (rounded) weights: sequences and single tokens, small and large (row-parallel).
 */
class LinearTest {

    @ParameterizedTest(name = "{3}: {0} tokens, {1} -> {2}")
    @CsvSource({
        "1, 7, 5, F32",
        "3, 33, 17, F32",
        "40, 160, 200, F32",
        "5, 33, 17, F16",
        "6, 1030, 1100, BF16",
        "1, 2048, 600, F16",
        "3, 64, 17, Q8_0",
        "6, 1024, 1100, Q4_0",
        "1, 4096, 96, Q4_0",
        "20, 64, 17, Q4_0",
        "12, 96, 10, F16",
        "33, 384, 384, F32"
    })
    void matchesAPlainLoopWithBothKernels(int tokens, int in, int out, DType dtype) {
        Random rnd = new Random(tokens * 31L + in);
        float[] w = RandomModels.randomFloats(rnd, in * out, 0.5f);
        float[] b = RandomModels.randomFloats(rnd, out, 0.5f);
        Tensor weight = stored("w", dtype, w, out, in);
        float[][] xs = new float[tokens][];
        for (int t = 0; t < tokens; t++) {
            xs[t] = RandomModels.randomFloats(rnd, in, 1f);
        }
        for (Kernels kernels : new Kernels[] {KernelProvider.best(), KernelProvider.scalar()}) {
            Linear linear = Linear.of(weight, Tensor.ofFloats("b", new long[] {out}, b), kernels);
            float[][] ys = linear.apply(xs);
            float[] one = new float[out];
            linear.apply(xs[0], one);
            for (int t = 0; t < tokens; t++) {
                for (int j = 0; j < out; j++) {
                    double s = b[j];
                    for (int k = 0; k < in; k++) {
                        s += (double) weight.get((long) j * in + k) * xs[t][k];
                    }
                    double tolerance = 1e-5 * Math.sqrt(in) * Math.max(1, Math.abs(s));
                    assertEquals(s, ys[t][j], tolerance, kernels.name() + " token " + t + " row " + j);
                    if (t == 0) {
                        assertEquals(s, one[j], tolerance, kernels.name() + " single token, row " + j);
                    }
                }
            }
        }
    }

    /** A decode step's fused q/k/v: each output equals its own projection's, split across the cores or not. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"F32", "F16", "Q8_0"})
    void applyEachEqualsEachProjectionAlone(DType dtype) {
        Random rnd = new Random(5);
        int in = 512;
        int[] outs = {512, 128, 128};
        Linear[] ls = new Linear[outs.length];
        float[][] ys = new float[outs.length][];
        for (int i = 0; i < outs.length; i++) {
            Tensor w = stored("w" + i, dtype, RandomModels.randomFloats(rnd, in * outs[i], 0.5f), outs[i], in);
            ls[i] = Linear.of(
                    w, Tensor.ofFloats("b" + i, new long[] {outs[i]}, RandomModels.randomFloats(rnd, outs[i], 1f)));
            ys[i] = new float[outs[i]];
        }
        float[] x = RandomModels.randomFloats(rnd, in, 1f);
        Linear.applyEach(x, ls, ys);
        for (int i = 0; i < outs.length; i++) {
            float[] alone = new float[outs[i]];
            ls[i].apply(x, alone);
            Assertions.assertArrayEquals(alone, ys[i], "projection " + i);
        }
    }

    @ParameterizedTest(name = "weight {0}, bias {1}")
    @CsvSource({"20, 4", "21, 5"})
    void wrongShapesAreRefused(int weights, int bias) {
        MemorySegment w = Arena.ofAuto().allocate(4L * weights);
        assertThrows(
                IllegalArgumentException.class,
                () -> new Linear(w, DType.F32, 4, 5, new float[bias], KernelProvider.best()));
    }

    /** {@code values} stored as {@code dtype} off-heap, as a mapped file holds them. */
    static Tensor stored(String name, DType dtype, float[] values, long... shape) {
        MemorySegment s = Arena.ofAuto().allocate(dtype.bytes(values.length), 64);
        Quantization.encode(dtype, values, 0, values.length, s, 0);
        return new Tensor(name, dtype, shape, s);
    }
}
