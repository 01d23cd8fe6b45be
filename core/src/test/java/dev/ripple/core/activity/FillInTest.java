package dev.ripple.core.activity;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.ffn.BundleRefs;
import dev.ripple.core.ffn.FfnLayerWeights;
import dev.ripple.core.ffn.SparseFfnExecutor;
import dev.ripple.core.format.Permutations;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.tensor.kernels.KernelProvider;
import dev.ripple.core.testing.RandomModels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;
import org.junit.jupiter.api.Test;

/** Mean fill-in: exact when nothing is dropped, and it removes most of GELU's dropping error. */
class FillInTest {
    static final int D = 64;
    static final int N = 256;

    /** Sparse output over the neurons the rule keeps (identity placement), with or without fill-in. */
    static float[] sparse(FfnLayerWeights w, MemorySegment bundles, ActivityRule rule, FillIn fill, float[] x) {
        float[] acts = new float[N];
        for (int i = 0; i < N; i++) {
            acts[i] = w.activationOf(i, x);
        }
        IntArrayList active = new IntArrayList();
        rule.select(0, acts, N, active);
        BundleRefs refs = new BundleRefs();
        active.forEach(i -> refs.add(i, bundles, (long) i * w.spec().bundleBytes()));
        SparseFfnExecutor ffn = fill == null
                ? new SparseFfnExecutor(w.spec(), w.downBias())
                : new SparseFfnExecutor(
                        w.spec(),
                        w.downBias(),
                        KernelProvider.best(),
                        fill.meanBySlot(Permutations.identity(N)),
                        fill.constant());
        float[] out = new float[D];
        ffn.forward(x, refs, out, null);
        return out;
    }

    static FillIn calibrate(FfnLayerWeights w, ThresholdRule rule, Random rnd, int tokens) {
        double[] sum = new double[N];
        long[] count = new long[N];
        for (int t = 0; t < tokens; t++) {
            float[] x = RandomModels.randomFloats(rnd, D, 1f);
            for (int i = 0; i < N; i++) {
                float a = w.activationOf(i, x);
                if (!rule.isActive(0, a)) {
                    sum[i] += a;
                    count[i]++;
                }
            }
        }
        return FillIn.fromDroppedSums(w, sum, count);
    }

    @Test
    void fillInReducesTheErrorOfDroppingGeluNegatives() {
        long seed = 77;
        Random rnd = new Random(seed);
        FfnLayerWeights w = RandomModels.layer(rnd, 0, D, N, Activation.GELU, false, DType.F32);
        ThresholdRule rule = ThresholdRule.value(0f);
        FillIn fill = calibrate(w, rule, rnd, 400);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bundles = RandomModels.bundles(arena, w, Permutations.identity(N));
            double without = 0;
            double with = 0;
            for (int t = 0; t < 50; t++) { // held-out inputs
                float[] x = RandomModels.randomFloats(rnd, D, 1f);
                float[] dense = new float[D];
                w.denseForward(x, dense);
                without += RandomModels.relativeError(sparse(w, bundles, rule, null, x), dense);
                with += RandomModels.relativeError(sparse(w, bundles, rule, fill, x), dense);
            }
            assertTrue(
                    with < 0.6 * without,
                    "seed " + seed + ": error with fill-in " + with / 50 + ", without " + without / 50);
        }
    }

    @Test
    void fillInIsExactWhenEveryNeuronIsLoaded() {
        Random rnd = new Random(78);
        FfnLayerWeights w = RandomModels.layer(rnd, 0, D, N, Activation.SILU, false, DType.F32);
        FillIn fill = calibrate(w, ThresholdRule.magnitude(0.3f), rnd, 100);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bundles = RandomModels.bundles(arena, w, Permutations.identity(N));
            float[] x = RandomModels.randomFloats(rnd, D, 1f);
            float[] dense = new float[D];
            w.denseForward(x, dense);
            double err = RandomModels.relativeError(sparse(w, bundles, TopKRule.ofFraction(1.0), fill, x), dense);
            assertTrue(err < 1e-5, "all neurons loaded: relative error " + err);
        }
    }

    @Test
    void reluWithActAboveZeroAndNoFillInIsExact() {
        Random rnd = new Random(79);
        FfnLayerWeights w = RandomModels.layer(rnd, 0, D, N, Activation.RELU, false, DType.F32);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bundles = RandomModels.bundles(arena, w, Permutations.identity(N));
            for (int t = 0; t < 10; t++) {
                float[] x = RandomModels.randomFloats(rnd, D, 1f);
                float[] dense = new float[D];
                w.denseForward(x, dense);
                double err = RandomModels.relativeError(sparse(w, bundles, ThresholdRule.value(0f), null, x), dense);
                assertTrue(err < 1e-5, "ReLU, act > 0: relative error " + err);
            }
        }
    }
}
