package dev.ripple.placement.predictor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.activity.ActivityRule;
import dev.ripple.core.activity.LowRankPredictor;
import dev.ripple.core.activity.ThresholdRule;
import dev.ripple.core.ffn.FfnLayerWeights;
import dev.ripple.core.format.FfnLayerSpec;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;
import org.eclipse.collections.impl.set.mutable.primitive.IntHashSet;
import org.junit.jupiter.api.Test;

class LowRankPredictorTest {

    /** A layer whose up projection has rank {@code trueRank} plus small noise. */
    static FfnLayerWeights lowRankLayer(Random rnd, int d, int n, int trueRank, float noise, Activation act) {
        float[] u = new float[n * trueRank];
        float[] v = new float[trueRank * d];
        for (int i = 0; i < u.length; i++) {
            u[i] = (float) rnd.nextGaussian();
        }
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rnd.nextGaussian() / Math.sqrt(d * trueRank));
        }
        float[] up = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < d; t++) {
                float s = 0;
                for (int j = 0; j < trueRank; j++) {
                    s += u[i * trueRank + j] * v[j * d + t];
                }
                up[i * d + t] = s + (float) (rnd.nextGaussian() * noise / Math.sqrt(d));
            }
        }
        FfnLayerSpec spec = new FfnLayerSpec(0, d, n, act, false, DType.F32);
        return new FfnLayerWeights(spec, up, null, new float[n * d], new float[n], null, new float[d]);
    }

    @Test
    void exactRankRecoversPreActivationsAndPredictsTheTrueSet() {
        Random rnd = new Random(3);
        FfnLayerWeights w = lowRankLayer(rnd, 48, 200, 8, 0f, Activation.RELU);
        LowRankPredictor.Factors f = LowRankFactorizer.factor(w, 8, 1);
        for (float r : f.residualNorm()) {
            assertEquals(0, r, 1e-3);
        }
        ActivityRule rule = ThresholdRule.value(0f);
        LowRankPredictor p = new LowRankPredictor(List.of(f), rule, 0f);
        for (int t = 0; t < 20; t++) {
            float[] x = new float[48];
            for (int k = 0; k < 48; k++) {
                x[k] = (float) rnd.nextGaussian();
            }
            IntArrayList predicted = new IntArrayList();
            p.predict(0, x, predicted);
            IntArrayList truth = new IntArrayList();
            for (int i = 0; i < 200; i++) {
                if (w.activationOf(i, x) > 1e-4f) {
                    truth.add(i);
                }
            }
            IntHashSet pred = IntHashSet.newSet(predicted);
            assertTrue(truth.allSatisfy(pred::contains), "every clearly active neuron is predicted");
        }
    }

    @Test
    void largerMarginsTradePrecisionForRecall() {
        Random rnd = new Random(4);
        FfnLayerWeights w = lowRankLayer(rnd, 64, 300, 16, 0.6f, Activation.GELU);
        LowRankPredictor.Factors f = LowRankFactorizer.factor(w, 16, 2);
        ThresholdRule rule = ThresholdRule.value(0.05f);
        double[] recall = new double[3];
        long[] predictedCount = new long[3];
        float[] margins = {0f, 1f, 3f};
        for (int t = 0; t < 50; t++) {
            float[] x = new float[64];
            for (int k = 0; k < 64; k++) {
                x[k] = (float) rnd.nextGaussian();
            }
            IntHashSet truth = new IntHashSet();
            for (int i = 0; i < 300; i++) {
                if (rule.isActive(0, w.activationOf(i, x))) {
                    truth.add(i);
                }
            }
            for (int m = 0; m < 3; m++) {
                IntArrayList predicted = new IntArrayList();
                new LowRankPredictor(List.of(f), rule, margins[m]).predict(0, x, predicted);
                predictedCount[m] += predicted.size();
                recall[m] += truth.isEmpty() ? 1 : predicted.count(truth::contains) / (double) truth.size();
            }
        }
        assertTrue(
                recall[0] < recall[1] && recall[1] < recall[2],
                "recall grows with the margin: " + Arrays.toString(recall));
        assertTrue(recall[2] / 50 > 0.97, "margin 3 recall " + recall[2] / 50);
        assertTrue(predictedCount[0] < predictedCount[2], "and so does the number of neurons read");
    }
}
