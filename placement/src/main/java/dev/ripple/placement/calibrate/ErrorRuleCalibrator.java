package dev.ripple.placement.calibrate;

import dev.ripple.core.activity.ActivityRule;
import dev.ripple.core.activity.ErrorRule;
import dev.ripple.core.activity.ThresholdRule;
import dev.ripple.core.ffn.FfnLayerWeights;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Per-layer thresholds of an {@link ErrorRule} that keep a target share of neurons per token, on
 * calibration activations (issue 16, part 1).
 *
 * <p>The rule and its fill-in depend on each other: the centres are the conditional means of what
 * the rule drops, and what it drops depends on the centres. The calibration starts from the
 * conditional means of {@code act > t} calibrated to the same share, then alternates a few times
 * between the exact quantile of the errors (the thresholds) and the conditional means under the
 * new rule (the centres). The last step is a quantile, so the budget holds on the calibration
 * tokens up to ties; the fill-in to run the rule with is {@link ConditionalMeans#fillIn} of the
 * result, whose means differ slightly from the last centres.
 *
 * <pre>{@code
 * ErrorRuleCalibrator.Result r = ErrorRuleCalibrator.forFraction(sample, layers, 0.3, 2);
 * List<FillIn> fill = ConditionalMeans.fillIn(r.rule(), sample, layers);
 * }</pre>
 */
public final class ErrorRuleCalibrator {
    private ErrorRuleCalibrator() {}

    /**
     * @param rule     the calibrated rule
     * @param fraction per layer, the share of neurons it keeps on the calibration tokens
     */
    public record Result(ErrorRule rule, double[] fraction) {
        public Result {
            fraction = fraction.clone();
        }

        @Override
        public double[] fraction() {
            return fraction.clone();
        }
    }

    /**
     * @param rounds how many times the centres are re-measured under the rule (≥ 1)
     */
    public static Result forFraction(ActivationSample sample, List<FfnLayerWeights> layers, double target, int rounds) {
        if (!(target > 0 && target <= 1)) {
            throw new IllegalArgumentException("target neuron fraction must be in (0, 1], got " + target);
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be ≥ 1, got " + rounds);
        }
        if (sample.tokens() == 0) {
            throw new IllegalArgumentException("no calibration tokens to calibrate thresholds on");
        }
        if (layers.size() != sample.layers()) {
            throw new IllegalArgumentException("sample has " + sample.layers() + " layers, the model " + layers.size());
        }
        float[][] weights = IntStream.range(0, layers.size())
                .mapToObj(l -> downNorms(layers.get(l)))
                .toArray(float[][]::new);
        ActivityRule start = ThresholdCalibrator.forFraction(ThresholdRule.Mode.VALUE, sample, target)
                .rule();
        float[][] centres = ConditionalMeans.of(start, sample);
        float[] t = new float[layers.size()];
        double[] achieved = new double[layers.size()];
        for (int round = 0; round < rounds; round++) {
            if (round > 0) {
                centres = ConditionalMeans.of(new ErrorRule(centres, weights, t), sample);
            }
            for (int l = 0; l < layers.size(); l++) {
                float[] keys = errors(sample, l, centres[l], weights[l]);
                Arrays.parallelSort(keys);
                t[l] = ThresholdCalibrator.quantileCut(ThresholdRule.Mode.MAGNITUDE, keys, target);
                achieved[l] = ThresholdCalibrator.shareAbove(keys, t[l]);
            }
        }
        return new Result(new ErrorRule(centres, weights, t), achieved);
    }

    /** ‖d_i‖ for every neuron of a layer. */
    public static float[] downNorms(FfnLayerWeights w) {
        int n = w.spec().dFfn();
        int d = w.spec().dModel();
        float[] down = w.downColumns();
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int k = 0; k < d; k++) {
                double v = down[i * d + k];
                s += v * v;
            }
            out[i] = (float) Math.sqrt(s);
        }
        return out;
    }

    private static float[] errors(ActivationSample sample, int l, float[] centre, float[] weight) {
        int n = centre.length;
        float[] acts = sample.layer(l);
        float[] out = new float[acts.length];
        for (int j = 0; j < acts.length; j++) {
            int i = j % n;
            out[j] = Math.abs(acts[j] - centre[i]) * weight[i];
        }
        return out;
    }
}
