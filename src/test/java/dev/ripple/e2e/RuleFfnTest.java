package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.bench.harness.RuleFfn;
import dev.ripple.core.activity.ActivationPredictor;
import dev.ripple.core.activity.FillIn;
import dev.ripple.core.activity.ThresholdRule;
import dev.ripple.core.activity.TopKRule;
import dev.ripple.core.ffn.FfnLayerWeights;
import dev.ripple.core.format.FfnLayerSpec;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.eclipse.collections.api.list.primitive.MutableIntList;
import org.junit.jupiter.api.Test;

/** The sweep's DRAM FFN computes exactly the sparse output with fill-in that the flash runtime would. */
class RuleFfnTest {
    private static final int D = 24;
    private static final int N = 96;

    private static FfnLayerWeights layer(long seed) {
        Random r = new Random(seed);
        return new FfnLayerWeights(
                new FfnLayerSpec(0, D, N, Activation.GELU, false, DType.F32),
                gaussian(r, N * D, 0.4f),
                null,
                gaussian(r, N * D, 0.3f),
                gaussian(r, N, 0.5f),
                null,
                gaussian(r, D, 0.1f));
    }

    private static float[] gaussian(Random r, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian() * scale;
        }
        return a;
    }

    @Test
    void readingEveryNeuronIsTheDenseFfnWithOrWithoutFillIn() {
        FfnLayerWeights w = layer(1);
        float[] x = gaussian(new Random(2), D, 1f);
        float[] dense = new float[D];
        w.denseForward(x, dense);
        FillIn fill = FillIn.fromMeans(w, gaussian(new Random(3), N, 0.1f));
        for (List<FillIn> f : Arrays.asList(null, List.of(fill))) {
            RuleFfn ffn = new RuleFfn(List.of(w), TopKRule.ofFraction(1.0), f, null);
            float[] out = new float[D];
            ffn.forward(0, x, out);
            for (int k = 0; k < D; k++) {
                assertEquals(dense[k], out[k], 1e-4, "output " + k);
            }
            assertEquals(1.0, ffn.tally().readShare(), 1e-12);
            assertTrue(ffn.tally().ffnError() < 1e-5);
        }
    }

    @Test
    void droppedNeuronsContributeTheirMeanAndTheErrorIsMeasuredAgainstDense() {
        FfnLayerWeights w = layer(4);
        float[] x = gaussian(new Random(5), D, 1f);
        float[] means = gaussian(new Random(6), N, 0.05f);
        ThresholdRule rule = ThresholdRule.value(0f);
        RuleFfn ffn = new RuleFfn(List.of(w), rule, List.of(FillIn.fromMeans(w, means)), null);
        float[] out = new float[D];
        ffn.forward(0, x, out);
        double[] expected = new double[D];
        double[] dense = new double[D];
        int active = 0;
        for (int k = 0; k < D; k++) {
            expected[k] = w.downBias()[k];
            dense[k] = w.downBias()[k];
        }
        for (int i = 0; i < N; i++) {
            float a = w.activationOf(i, x);
            boolean on = a > 0;
            active += on ? 1 : 0;
            for (int k = 0; k < D; k++) {
                expected[k] += (on ? a : means[i]) * w.downColumns()[i * D + k];
                dense[k] += a * w.downColumns()[i * D + k];
            }
        }
        double num = 0;
        double den = 0;
        for (int k = 0; k < D; k++) {
            assertEquals(expected[k], out[k], 1e-4, "output " + k);
            num += (expected[k] - dense[k]) * (expected[k] - dense[k]);
            den += dense[k] * dense[k];
        }
        assertEquals(active / (double) N, ffn.tally().readShare(), 1e-12);
        assertEquals(Math.sqrt(num / den), ffn.tally().ffnError(), 1e-4);
    }

    @Test
    void predictorRecallAndPrecisionCountAgainstTheRulesTrueSet() {
        FfnLayerWeights w = layer(7);
        float[] x = gaussian(new Random(8), D, 1f);
        ThresholdRule rule = ThresholdRule.value(0f);
        ActivationPredictor firstHalf = new ActivationPredictor() {
            @Override
            public String name() {
                return "first-half";
            }

            @Override
            public void predict(int layer, float[] in, MutableIntList out) {
                for (int i = 0; i < N / 2; i++) {
                    out.add(i);
                }
            }
        };
        RuleFfn ffn = new RuleFfn(List.of(w), rule, null, firstHalf);
        ffn.forward(0, x, new float[D]);
        int active = 0;
        int hits = 0;
        for (int i = 0; i < N; i++) {
            if (w.activationOf(i, x) > 0) {
                active++;
                hits += i < N / 2 ? 1 : 0;
            }
        }
        assertEquals(0.5, ffn.tally().readShare(), 1e-12);
        assertEquals(hits / (double) active, ffn.tally().recall(), 1e-12);
        assertEquals(hits / (double) (N / 2), ffn.tally().precision(), 1e-12);
    }
}
