package dev.ripple.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ripple.core.ffn.kernels.KernelProvider;
import dev.ripple.core.testing.RandomModels;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The encoder's resident projections against a plain double-precision loop, small and large (parallel). */
class LinearTest {

    @ParameterizedTest(name = "{0} tokens, {1} -> {2}")
    @CsvSource({"1, 7, 5", "3, 33, 17", "40, 160, 200"})
    void matchesAPlainLoopWithBothKernels(int tokens, int in, int out) {
        Random rnd = new Random(tokens * 31L + in);
        float[] w = RandomModels.randomFloats(rnd, in * out, 0.5f);
        float[] b = RandomModels.randomFloats(rnd, out, 0.5f);
        float[][] xs = new float[tokens][];
        for (int t = 0; t < tokens; t++) {
            xs[t] = RandomModels.randomFloats(rnd, in, 1f);
        }
        for (var kernels : new dev.ripple.core.ffn.kernels.Kernels[] {KernelProvider.best(), KernelProvider.scalar()}) {
            float[][] ys = new Linear(w, b, in, out, kernels).apply(xs);
            for (int t = 0; t < tokens; t++) {
                for (int j = 0; j < out; j++) {
                    double s = b[j];
                    for (int k = 0; k < in; k++) {
                        s += (double) w[j * in + k] * xs[t][k];
                    }
                    assertEquals(s, ys[t][j], 1e-4 * Math.max(1, Math.abs(s)), kernels.name() + " token " + t + " row " + j);
                }
            }
        }
    }

    @ParameterizedTest(name = "weight {0}, bias {1}")
    @CsvSource({"20, 4", "21, 5"})
    void wrongShapesAreRefused(int weights, int bias) {
        assertThrows(IllegalArgumentException.class, () -> new Linear(new float[weights], new float[bias], 4, 5));
    }
}
