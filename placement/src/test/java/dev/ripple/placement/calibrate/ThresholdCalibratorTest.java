package dev.ripple.placement.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.activity.ThresholdRule;
import dev.ripple.core.ffn.FfnLayerWeights;
import dev.ripple.core.format.FfnLayerSpec;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Calibrated thresholds on generated GELU activations whose layers differ in scale. */
class ThresholdCalibratorTest {
    private static final int LAYERS = 3;
    private static final int D = 16;
    private static final int N = 64;
    private static final int TOKENS = 400;

    /** Each layer with its own scale and shift, so one global t cannot fit all. */
    private static ActivationSample sample(long seed) {
        return GeluActivations.sample(seed, LAYERS, N, TOKENS, l -> 0.5 + l, l -> -0.5 * l);
    }

    private static List<FfnLayerWeights> weights(long seed) {
        Random r = new Random(seed);
        List<FfnLayerWeights> out = new ArrayList<>();
        for (int l = 0; l < LAYERS; l++) {
            out.add(new FfnLayerWeights(
                    new FfnLayerSpec(l, D, N, Activation.GELU, false, DType.F32),
                    gaussian(r, N * D),
                    null,
                    gaussian(r, N * D),
                    new float[N],
                    null,
                    gaussian(r, D)));
        }
        return out;
    }

    private static float[] gaussian(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian() * 0.3f;
        }
        return a;
    }

    @Test
    void fractionTargetIsMetPerLayerForBothModes() {
        ActivationSample s = sample(1);
        for (ThresholdRule.Mode mode : ThresholdRule.Mode.values()) {
            for (double target : new double[] {0.1, 0.3, 0.5}) {
                ThresholdCalibrator.Result r = ThresholdCalibrator.forFraction(mode, s, target);
                assertEquals(LAYERS, r.rule().thresholds().length);
                for (int l = 0; l < LAYERS; l++) {
                    double got = GeluActivations.keptShare(r.rule(), s, l);
                    assertEquals(target, got, 0.005, mode + " layer " + l + " target " + target);
                    assertEquals(got, r.fraction()[l], 1e-9, "reported fraction is the measured one");
                }
            }
        }
    }

    @Test
    void fractionThresholdsDifferBetweenLayersOfDifferentScale() {
        ThresholdRule rule = ThresholdCalibrator.forFraction(ThresholdRule.Mode.MAGNITUDE, sample(2), 0.3)
                .rule();
        assertTrue(rule.threshold(2) > rule.threshold(0) + 0.01, rule.describe());
    }

    @Test
    void fractionOneKeepsEverything() {
        ActivationSample s = sample(3);
        ThresholdRule rule = ThresholdCalibrator.forFraction(ThresholdRule.Mode.VALUE, s, 1.0)
                .rule();
        for (int l = 0; l < LAYERS; l++) {
            assertEquals(1.0, GeluActivations.keptShare(rule, s, l), 1e-12);
        }
    }

    @Test
    void errorTargetIsRespectedOnCalibrationDataAndUsesTheBudget() {
        ActivationSample s = sample(4);
        List<FfnLayerWeights> w = weights(5);
        for (ThresholdRule.Mode mode : ThresholdRule.Mode.values()) {
            for (double target : new double[] {0.05, 0.2}) {
                ThresholdCalibrator.Result r = ThresholdCalibrator.forError(mode, s, w, target, 20);
                for (int l = 0; l < LAYERS; l++) {
                    double measured = new LayerErrorProbe(w.get(l), s, l).meanError(r.rule(), true);
                    assertTrue(
                            measured <= target + 1e-9, mode + " layer " + l + ": error " + measured + " > " + target);
                    assertEquals(measured, r.error()[l], 1e-9);
                    // The search uses the budget: reading fewer neurons than all, and a somewhat larger
                    // threshold breaks the target.
                    assertTrue(r.fraction()[l] < 1.0, mode + " layer " + l + " keeps everything");
                    float[] bigger = r.rule().thresholds();
                    bigger[l] += 0.05f + Math.abs(bigger[l]) * 0.5f;
                    double worse = new LayerErrorProbe(w.get(l), s, l).meanError(new ThresholdRule(mode, bigger), true);
                    assertTrue(
                            worse > target * 0.8, mode + " layer " + l + ": a larger threshold still gives " + worse);
                }
            }
        }
    }

    @Test
    void fillInErrorIsBelowDropErrorAndZeroWhenEverythingIsKept() {
        ActivationSample s = sample(6);
        List<FfnLayerWeights> w = weights(7);
        LayerErrorProbe probe = new LayerErrorProbe(w.get(1), s, 1);
        ThresholdRule positive = ThresholdRule.value(0f);
        assertTrue(probe.meanError(positive, true) < probe.meanError(positive, false));
        assertEquals(0.0, probe.meanError(ThresholdRule.value(-10f), true), 1e-12);
    }

    @Test
    void conditionalMeansAreMeansOfTheDroppedValues() {
        float[] v = {-0.1f, 0.5f, -0.3f, 0.7f}; // 2 tokens × 2 neurons
        ActivationSample s = new ActivationSample(new int[] {2}, List.of(v), 2);
        float[][] m = ConditionalMeans.of(ThresholdRule.value(0f), s);
        assertEquals(-0.2f, m[0][0], 1e-6); // neuron 0 dropped on both tokens
        assertEquals(0f, m[0][1], 0); // neuron 1 never dropped
    }

    @Test
    void badTargetsAreRejectedWithOneLine() {
        ActivationSample s = sample(8);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> ThresholdCalibrator.forFraction(ThresholdRule.Mode.VALUE, s, 0));
        assertTrue(e.getMessage().contains("(0, 1]"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> ThresholdCalibrator.forError(
                        ThresholdRule.Mode.VALUE, s, weights(1).subList(0, 2), 0.1, 10));
    }
}
