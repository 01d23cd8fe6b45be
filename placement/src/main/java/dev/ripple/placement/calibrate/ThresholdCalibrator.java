package dev.ripple.placement.calibrate;

import dev.ripple.core.activity.ThresholdRule;
import dev.ripple.core.ffn.FfnLayerWeights;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Per-layer thresholds that meet a budget on calibration activations, because one global
 * threshold does not suit every layer (all-MiniLM-L6-v2 keeps 18% to 29% of its neurons per layer
 * under {@code act > 0}, with FFN errors from 0.39 to 0.81).
 *
 * <ul>
 *   <li>{@link #forFraction}: the threshold that keeps a target share of neurons per token on
 *       average — the exact quantile of the layer's activations (or magnitudes), so the budget
 *       holds on the calibration tokens up to ties;</li>
 *   <li>{@link #forError}: the largest threshold whose mean FFN relative error with mean fill-in
 *       (conditional means re-measured for every candidate) stays within a target, by binary search
 *       on t; the error grows with t, and the search only ever returns thresholds it measured as
 *       within target.</li>
 * </ul>
 *
 * <pre>{@code
 * ThresholdCalibrator.Result r = ThresholdCalibrator.forFraction(Mode.MAGNITUDE, sample, 0.3);
 * ThresholdRule rule = r.rule();          // |act| > t0,t1,...
 * }</pre>
 */
public final class ThresholdCalibrator {
    private ThresholdCalibrator() {}

    /**
     * Calibrated thresholds and what they achieve on the calibration tokens.
     *
     * @param rule     per-layer thresholds
     * @param fraction per layer, the mean share of neurons active per token
     * @param error    per layer, the mean FFN relative error with fill-in (empty when not measured)
     */
    public record Result(ThresholdRule rule, double[] fraction, double[] error) {
        public Result {
            fraction = fraction.clone();
            error = error.clone();
        }

        @Override
        public double[] fraction() {
            return fraction.clone();
        }

        @Override
        public double[] error() {
            return error.clone();
        }
    }

    /** Thresholds keeping {@code target} of each layer's neurons per token, on average over the sample. */
    public static Result forFraction(ThresholdRule.Mode mode, ActivationSample sample, double target) {
        if (!(target > 0 && target <= 1)) {
            throw new IllegalArgumentException("target neuron fraction must be in (0, 1], got " + target);
        }
        requireTokens(sample);
        float[] t = new float[sample.layers()];
        double[] achieved = new double[sample.layers()];
        for (int l = 0; l < sample.layers(); l++) {
            float[] keys = keys(mode, sample.layer(l));
            Arrays.parallelSort(keys);
            t[l] = quantileCut(mode, keys, target);
            achieved[l] = shareAbove(keys, t[l]);
        }
        return new Result(new ThresholdRule(mode, t), achieved, new double[0]);
    }

    /**
     * The largest per-layer thresholds whose mean FFN relative error with fill-in is at most
     * {@code target} on the sample.
     *
     * @param iterations binary-search steps per layer (each one pass over the sample's dropped neurons)
     */
    public static Result forError(
            ThresholdRule.Mode mode,
            ActivationSample sample,
            List<FfnLayerWeights> layers,
            double target,
            int iterations) {
        if (!(target >= 0)) {
            throw new IllegalArgumentException("target FFN relative error must be ≥ 0, got " + target);
        }
        if (iterations < 1) {
            throw new IllegalArgumentException("binary search needs at least one iteration, got " + iterations);
        }
        if (layers.size() != sample.layers()) {
            throw new IllegalArgumentException(
                    "the model has " + layers.size() + " FFN layers, the sample " + sample.layers());
        }
        requireTokens(sample);
        float[] t = new float[sample.layers()];
        double[] fraction = new double[sample.layers()];
        double[] error = new double[sample.layers()];
        IntStream.range(0, sample.layers()).parallel().forEach(l -> {
            LayerErrorProbe probe = new LayerErrorProbe(layers.get(l), sample, l);
            float[] values = sample.layer(l);
            float lo = lowest(mode, values); // keeps every neuron: zero error
            float hi = highest(mode, values); // drops every neuron
            double loError = probe.meanError(rule(mode, lo, l), true);
            double hiError = probe.meanError(rule(mode, hi, l), true);
            if (hiError <= target) {
                lo = hi;
                loError = hiError;
            } else {
                for (int it = 0; it < iterations; it++) {
                    float mid = lo + (hi - lo) / 2;
                    if (mid == lo || mid == hi) {
                        break;
                    }
                    double e = probe.meanError(rule(mode, mid, l), true);
                    if (e <= target) {
                        lo = mid;
                        loError = e;
                    } else {
                        hi = mid;
                    }
                }
            }
            t[l] = lo;
            error[l] = loError;
            float[] keys = keys(mode, values);
            Arrays.sort(keys);
            fraction[l] = shareAbove(keys, lo);
        });
        return new Result(new ThresholdRule(mode, t), fraction, error);
    }

    /** A rule whose threshold for {@code layer} is t (layers before it are never consulted). */
    private static ThresholdRule rule(ThresholdRule.Mode mode, float t, int layer) {
        float[] ts = new float[layer + 1];
        Arrays.fill(ts, t);
        return new ThresholdRule(mode, ts);
    }

    private static float lowest(ThresholdRule.Mode mode, float[] v) {
        if (mode == ThresholdRule.Mode.MAGNITUDE) {
            return 0f;
        }
        float min = Float.POSITIVE_INFINITY;
        for (float x : v) {
            min = Math.min(min, x);
        }
        return Math.nextDown(min);
    }

    private static float highest(ThresholdRule.Mode mode, float[] v) {
        float max = 0f;
        for (float x : v) {
            max = Math.max(max, mode == ThresholdRule.Mode.MAGNITUDE ? Math.abs(x) : x);
        }
        return max;
    }

    private static float[] keys(ThresholdRule.Mode mode, float[] values) {
        float[] k = values.clone();
        if (mode == ThresholdRule.Mode.MAGNITUDE) {
            for (int i = 0; i < k.length; i++) {
                k[i] = Math.abs(k[i]);
            }
        }
        return k;
    }

    /** The cut between the kept and the dropped keys: halfway between the two sorted neighbours. */
    static float quantileCut(ThresholdRule.Mode mode, float[] sorted, double target) {
        int n = sorted.length;
        int keep = (int) Math.round(target * n);
        float t;
        if (keep >= n) {
            t = Math.nextDown(sorted[0]);
        } else if (keep <= 0) {
            t = sorted[n - 1];
        } else {
            float below = sorted[n - keep - 1];
            float above = sorted[n - keep];
            t = below + (above - below) / 2;
            if (!(t < above)) {
                t = below;
            }
        }
        return mode == ThresholdRule.Mode.MAGNITUDE ? Math.max(0f, t) : t;
    }

    /** Share of sorted keys strictly above t. */
    static double shareAbove(float[] sorted, float t) {
        return countAbove(sorted, t) / (double) sorted.length;
    }

    /** How many of the ascending {@code sorted} values are strictly above {@code t} (binary search). */
    public static int countAbove(float[] sorted, float t) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] > t) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return sorted.length - lo;
    }

    private static void requireTokens(ActivationSample sample) {
        if (sample.tokens() == 0) {
            throw new IllegalArgumentException("no calibration tokens to calibrate thresholds on");
        }
    }
}
