package dev.ripple.placement.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.activity.ActivityRule;
import dev.ripple.core.activity.ErrorRule;
import dev.ripple.core.activity.FillIn;
import dev.ripple.core.activity.ThresholdRule;
import dev.ripple.core.ffn.FfnLayerWeights;
import dev.ripple.core.format.FfnLayerSpec;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;
import org.junit.jupiter.api.Test;

/** The error rule calibrated on generated GELU activations with down columns of very different sizes. */
class ErrorRuleCalibratorTest {
    private static final int LAYERS = 2;
    private static final int D = 16;
    private static final int N = 64;
    private static final int TOKENS = 500;

    private static ActivationSample sample(long seed) {
        return GeluActivations.sample(seed, LAYERS, N, TOKENS, l -> 0.7 + l, l -> -0.3);
    }

    /** Neuron i's down column is scaled by (1 + i/8), so late neurons matter more per unit of activation. */
    private static List<FfnLayerWeights> weights(long seed) {
        Random r = new Random(seed);
        List<FfnLayerWeights> out = new ArrayList<>();
        for (int l = 0; l < LAYERS; l++) {
            float[] down = new float[N * D];
            for (int i = 0; i < N; i++) {
                for (int k = 0; k < D; k++) {
                    down[i * D + k] = (float) (r.nextGaussian() * 0.3 * (1 + i / 8.0));
                }
            }
            out.add(new FfnLayerWeights(
                    new FfnLayerSpec(l, D, N, Activation.GELU, false, DType.F32),
                    new float[N * D],
                    null,
                    down,
                    new float[N],
                    null,
                    new float[D]));
        }
        return out;
    }

    @Test
    void keepsTheTargetShareOnTheCalibrationTokens() {
        ActivationSample s = sample(1);
        ErrorRuleCalibrator.Result r = ErrorRuleCalibrator.forFraction(s, weights(2), 0.3, 2);
        for (int l = 0; l < LAYERS; l++) {
            assertEquals(0.3, r.fraction()[l], 1e-3, "layer " + l);
            assertEquals(
                    0.3,
                    GeluActivations.keptShare(r.rule(), s, l),
                    1e-3,
                    "the rule itself keeps what the calibration says");
        }
    }

    @Test
    void deterministic() {
        ErrorRule a =
                ErrorRuleCalibrator.forFraction(sample(3), weights(4), 0.25, 2).rule();
        ErrorRule b =
                ErrorRuleCalibrator.forFraction(sample(3), weights(4), 0.25, 2).rule();
        assertEquals(a, b);
    }

    /** At an equal share the error rule leaves less FFN error than {@code act > t}: it is what it ranks by. */
    @Test
    void smallerDroppedErrorThanTheValueRuleAtEqualShare() {
        ActivationSample s = sample(5);
        List<FfnLayerWeights> w = weights(6);
        ErrorRule err = ErrorRuleCalibrator.forFraction(s, w, 0.3, 2).rule();
        ThresholdRule val = ThresholdCalibrator.forFraction(ThresholdRule.Mode.VALUE, s, 0.3)
                .rule();
        assertTrue(
                droppedError(err, s, w) < droppedError(val, s, w),
                "error rule " + droppedError(err, s, w) + " vs act > t " + droppedError(val, s, w));
    }

    @Test
    void rejectsBadTargets() {
        assertThrows(
                IllegalArgumentException.class, () -> ErrorRuleCalibrator.forFraction(sample(1), weights(2), 0, 2));
        assertThrows(
                IllegalArgumentException.class, () -> ErrorRuleCalibrator.forFraction(sample(1), weights(2), 0.3, 0));
    }

    /** Mean over tokens of ‖Σ_dropped (a_i − m_i)·d_i‖ with the rule's own conditional means. */
    private static double droppedError(ActivityRule rule, ActivationSample s, List<FfnLayerWeights> w) {
        List<FillIn> fill = ConditionalMeans.fillIn(rule, s, w);
        double total = 0;
        for (int l = 0; l < LAYERS; l++) {
            float[] m = fill.get(l).meanByNeuron();
            float[] down = w.get(l).downColumns();
            float[] row = new float[N];
            IntArrayList active = new IntArrayList();
            for (int t = 0; t < TOKENS; t++) {
                System.arraycopy(s.layer(l), t * N, row, 0, N);
                active.clear();
                rule.select(l, row, N, active);
                boolean[] kept = new boolean[N];
                active.forEach(i -> kept[i] = true);
                double[] e = new double[D];
                for (int i = 0; i < N; i++) {
                    if (!kept[i]) {
                        for (int k = 0; k < D; k++) {
                            e[k] += (row[i] - m[i]) * down[i * D + k];
                        }
                    }
                }
                double sq = 0;
                for (double v : e) {
                    sq += v * v;
                }
                total += Math.sqrt(sq);
            }
        }
        return total;
    }
}
