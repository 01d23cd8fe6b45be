package dev.ripple.placement.calibrate;

import dev.ripple.core.activity.ActivityRule;
import dev.ripple.core.ffn.FfnLayerWeights;
import java.util.Arrays;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;

/**
 * The FFN output error of one layer under a rule with mean fill-in, on calibration activations:
 * mean over tokens of {@code ‖Σ_{i∉S} (a_i − m_i)·d_i‖ / ‖b + Σ_i a_i·d_i‖}, where m are the
 * rule's conditional means measured on the same tokens ({@link ConditionalMeans}). This is
 * exactly the error {@code FillIn} leaves when the true active set is read. The dense output norms
 * are computed once, so probing many thresholds costs one pass over the dropped neurons each.
 */
final class LayerErrorProbe {
    private final FfnLayerWeights weights;
    private final ActivationSample sample;
    private final int layer;
    private final double[] denseNorm;

    LayerErrorProbe(FfnLayerWeights weights, ActivationSample sample, int layer) {
        if (weights.spec().dFfn() != sample.neurons()[layer]) {
            throw new IllegalArgumentException("layer " + layer + ": weights have "
                    + weights.spec().dFfn() + " neurons, the activation sample " + sample.neurons()[layer]);
        }
        this.weights = weights;
        this.sample = sample;
        this.layer = layer;
        this.denseNorm = new double[sample.tokens()];
        int n = weights.spec().dFfn();
        int d = weights.spec().dModel();
        float[] acts = sample.layer(layer);
        float[] down = weights.downColumns();
        float[] acc = new float[d];
        for (int t = 0; t < sample.tokens(); t++) {
            System.arraycopy(weights.downBias(), 0, acc, 0, d);
            for (int i = 0; i < n; i++) {
                float a = acts[t * n + i];
                if (a != 0) {
                    axpy(acc, a, down, i * d, d);
                }
            }
            denseNorm[t] = norm(acc);
        }
    }

    /** Mean relative FFN error of {@code rule} on this layer, with fill-in or without (m = 0). */
    double meanError(ActivityRule rule, boolean fillIn) {
        int n = weights.spec().dFfn();
        int d = weights.spec().dModel();
        float[] means = fillIn ? ConditionalMeans.layer(rule, layer, sample) : new float[n];
        float[] acts = sample.layer(layer);
        float[] down = weights.downColumns();
        float[] row = new float[n];
        float[] err = new float[d];
        IntArrayList active = new IntArrayList();
        boolean[] keep = new boolean[n];
        double sum = 0;
        for (int t = 0; t < sample.tokens(); t++) {
            System.arraycopy(acts, t * n, row, 0, n);
            active.clear();
            rule.select(layer, row, n, active);
            Arrays.fill(keep, false);
            for (int k = 0; k < active.size(); k++) {
                keep[active.get(k)] = true;
            }
            Arrays.fill(err, 0f);
            for (int i = 0; i < n; i++) {
                float diff = row[i] - means[i];
                if (!keep[i] && diff != 0) {
                    axpy(err, diff, down, i * d, d);
                }
            }
            double e = norm(err);
            sum += denseNorm[t] == 0 ? (e == 0 ? 0 : 1) : e / denseNorm[t];
        }
        return sample.tokens() == 0 ? 0 : sum / sample.tokens();
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }

    /** Float accumulation so the JIT vectorises it; the result is a statistic. */
    private static void axpy(float[] acc, float a, float[] x, int from, int n) {
        for (int k = 0; k < n; k++) {
            acc[k] += a * x[from + k];
        }
    }
}
