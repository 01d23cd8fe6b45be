package dev.ripple.core.activity;

import dev.ripple.core.ffn.Activation;
import java.util.List;
import org.eclipse.collections.api.list.primitive.MutableIntList;

/**
 * Predicts activity from a resident rank-r approximation of each layer's up projection (the gate
 * projection for gated layers): {@code ẑ = (x·A)·B + bias}, with A [dModel × r] and B [r × dFfn]
 * from a truncated SVD, computed offline. Costs {@code r·(dModel + dFfn)} multiply-adds per token
 * and layer instead of {@code dModel·dFfn}.
 *
 * <p>The error of ẑ_i is {@code res_i · x}, where res_i is row i of the SVD residual; for an input
 * whose direction is unrelated to res_i its size is about {@code ‖res_i‖·‖x‖/√dModel}. A neuron is
 * predicted active when the rule holds anywhere in {@code ẑ_i ± margin·‖res_i‖·‖x‖/√dModel}, so the
 * margin trades I/O (false positives) for recall, neuron by neuron, without calibration data.
 */
public final class LowRankPredictor implements ActivationPredictor {

    /** One layer's factors. {@code residualNorm[i] = ‖row i of (W − A·B)ᵀ‖}. */
    public record Factors(int dModel, int rank, int dFfn, float[] a, float[] b, float[] bias, float[] residualNorm,
                          Activation activation) {
        public Factors {
            if (a.length != dModel * rank || b.length != rank * dFfn || bias.length != dFfn || residualNorm.length != dFfn) {
                throw new IllegalArgumentException("low-rank factors: shapes do not match dModel " + dModel + ", rank "
                        + rank + ", dFfn " + dFfn);
            }
        }
    }

    private final List<Factors> layers;
    private final ActivityRule rule;
    private final float margin;

    public LowRankPredictor(List<Factors> layers, ActivityRule rule, float margin) {
        if (rule instanceof TopKRule) {
            throw new IllegalArgumentException("the low-rank predictor needs a threshold rule, not " + rule.describe());
        }
        if (!(margin >= 0)) {
            throw new IllegalArgumentException("margin must be ≥ 0, got " + margin);
        }
        this.layers = List.copyOf(layers);
        this.rule = rule;
        this.margin = margin;
    }

    @Override
    public String name() {
        return "lowrank";
    }

    public float margin() {
        return margin;
    }

    @Override
    public void predict(int layer, float[] x, int token, MutableIntList out) {
        Factors f = layers.get(layer);
        int d = f.dModel();
        int r = f.rank();
        int n = f.dFfn();
        float[] t = new float[r];
        double norm = 0;
        for (int k = 0; k < d; k++) {
            float xk = x[k];
            norm += (double) xk * xk;
            int row = k * r;
            for (int j = 0; j < r; j++) {
                t[j] += xk * f.a()[row + j];
            }
        }
        float[] z = f.bias().clone();
        for (int j = 0; j < r; j++) {
            float tj = t[j];
            int row = j * n;
            for (int i = 0; i < n; i++) {
                z[i] += tj * f.b()[row + i];
            }
        }
        float scale = (float) (margin * Math.sqrt(norm / d));
        for (int i = 0; i < n; i++) {
            float half = scale * f.residualNorm()[i];
            if (mayBeActive(layer, f.activation(), z[i] - half, z[i] + half)) {
                out.add(i);
            }
        }
    }

    /**
     * True when the rule holds for act(z) for some z in [lo, hi]. The activations used here are
     * monotone except for a single minimum (GELU, SiLU), so checking both ends and that minimum
     * when it lies inside suffices.
     */
    private boolean mayBeActive(int layer, Activation act, float lo, float hi) {
        if (rule.isActive(layer, act.apply(lo)) || rule.isActive(layer, act.apply(hi))) {
            return true;
        }
        float minimumAt = switch (act) {
            case GELU, GELU_TANH -> -0.7518f;
            case SILU -> -1.2785f;
            case RELU -> Float.NaN;
        };
        return lo < minimumAt && minimumAt < hi && rule.isActive(layer, act.apply(minimumAt));
    }
}
