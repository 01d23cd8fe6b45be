package dev.ripple.core.activity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.Locale;
import org.eclipse.collections.api.list.primitive.MutableIntList;

/**
 * Active when dropping the neuron would cost more output error than a per-layer threshold: with
 * mean fill-in a dropped neuron i contributes {@code m_i·d_i} instead of {@code a_i·d_i}, so its
 * error is {@code |a_i − m_i|·‖d_i‖}. {@code act > t} is a proxy for that which ignores both the
 * fill-in value and the size of the down column; this rule ranks neurons by the error itself
 * (issue 16, part 1).
 *
 * <p>Unlike {@link ThresholdRule} it needs per-neuron data (the centres m_i and the weights
 * ‖d_i‖), so it has no text form {@link ActivityRule#parse} could read back: {@link #describe}
 * prints the per-layer thresholds only, for reports. A per-neuron value can be judged only with
 * its index ({@link #isActive(int, int, float)}).
 *
 * <pre>{@code
 * ErrorRule r = new ErrorRule(centres, downNorms, new float[] {0.2f, 0.3f});
 * r.select(layer, activations, n, out);   // i with |a_i − centres[layer][i]|·downNorms[layer][i] > t_layer
 * }</pre>
 *
 * @param centres    per layer, per neuron, the value a dropped neuron is replaced by (its fill-in mean)
 * @param weights    per layer, per neuron, the norm of its down column
 * @param thresholds per layer, the error above which a neuron is active (the last repeats)
 */
public record ErrorRule(float[][] centres, float[][] weights, float[] thresholds) implements ActivityRule {

    public ErrorRule {
        if (centres.length != weights.length || centres.length == 0 || thresholds.length == 0) {
            throw new IllegalArgumentException("error rule: " + centres.length + " layers of centres, " + weights.length
                    + " of weights and " + thresholds.length + " thresholds");
        }
        for (int l = 0; l < centres.length; l++) {
            if (centres[l].length != weights[l].length) {
                throw new IllegalArgumentException("error rule: layer " + l + " has " + centres[l].length
                        + " centres and " + weights[l].length + " weights");
            }
        }
        for (float t : thresholds) {
            if (!(t >= 0) || Float.isInfinite(t)) {
                throw new IllegalArgumentException("error rule: threshold " + t + " is not a finite value ≥ 0");
            }
        }
        centres = deepCopy(centres);
        weights = deepCopy(weights);
        thresholds = thresholds.clone();
    }

    private static float[][] deepCopy(float[][] a) {
        float[][] out = new float[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].clone();
        }
        return out;
    }

    /** The threshold of {@code layer}. */
    public float threshold(int layer) {
        return thresholds[Math.min(layer, thresholds.length - 1)];
    }

    @Override
    public float[] thresholds() {
        return thresholds.clone();
    }

    /** The error dropping neuron {@code i} of {@code layer} would cause at activation {@code value}. */
    public float error(int layer, int i, float value) {
        return Math.abs(value - centres[layer][i]) * weights[layer][i];
    }

    /** True when neuron {@code i} of {@code layer} is active at {@code value}. */
    public boolean isActive(int layer, int i, float value) {
        return error(layer, i, value) > threshold(layer);
    }

    @Override
    public void select(int layer, float[] activations, int n, MutableIntList out) {
        float t = threshold(layer);
        float[] c = centres[layer];
        float[] w = weights[layer];
        for (int i = 0; i < n; i++) {
            if (Math.abs(activations[i] - c[i]) * w[i] > t) {
                out.add(i);
            }
        }
    }

    @Override
    public String describe() {
        StringBuilder s = new StringBuilder("|act - fill|·‖down‖ > ");
        for (int i = 0; i < thresholds.length; i++) {
            s.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.4g", thresholds[i]));
        }
        return s.toString();
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode n = ActivityRule.json(this, "error");
        ActivityRule.putThresholds(n, thresholds);
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ErrorRule r
                && Arrays.deepEquals(r.centres, centres)
                && Arrays.deepEquals(r.weights, weights)
                && Arrays.equals(r.thresholds, thresholds);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(thresholds);
    }

    @Override
    public String toString() {
        return describe();
    }
}
