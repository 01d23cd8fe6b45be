package dev.ripple.core.activity;

import dev.ripple.core.ffn.Activation;
import dev.ripple.core.ffn.kernels.KernelProvider;
import dev.ripple.core.ffn.kernels.Kernels;
import dev.ripple.core.format.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.eclipse.collections.api.list.primitive.MutableIntList;

/**
 * Predicts activity from a resident rank-r approximation of each layer's up projection (the gate
 * projection for gated layers): {@code ẑ = (x·A)·B + bias}, with A [dModel × r] and B [r × dFfn]
 * from a truncated SVD, computed offline. Costs {@code r·(dModel + dFfn)} multiply-adds per token
 * and layer instead of {@code dModel·dFfn}.
 *
 * <p>The error of ẑ_i is {@code res_i · x}, where res_i is row i of the residual of the
 * approximation. Each neuron stores a residual scale s_i such that the error's size is about
 * {@code s_i·‖x‖/√dModel}: for factors fitted to the weights alone (a plain truncated SVD) s_i is
 * {@code ‖res_i‖}, exact for inputs whose direction is unrelated to res_i; for factors fitted to
 * profiled inputs it is the neuron's measured RMS error over the calibration inputs divided by
 * their RMS coordinate, so the margin is in units of real errors. A neuron is predicted active
 * when the rule holds anywhere in {@code ẑ_i ± margin·s_i·‖x‖/√dModel}: the margin trades I/O
 * (false positives) for recall, neuron by neuron.
 *
 * <pre>{@code
 * LowRankPredictor p = new LowRankPredictor(factors, ActivityRule.parse("act > -0.05"), LowRankPredictor.DEFAULT_MARGIN);
 * MutableIntList active = new IntArrayList();
 * p.predict(layer, x, token, active);     // neuron indices, original order
 * }</pre>
 */
public final class LowRankPredictor implements ActivationPredictor {

    /**
     * The margin used unless the user picks one: with factors fitted to profiled inputs it is 1.5
     * RMS errors of each neuron's prediction, which on all-MiniLM-L6-v2 under {@code act > -0.05}
     * recalls 97.5% of the active neurons (docs/PERFORMANCE.md §8).
     */
    public static final float DEFAULT_MARGIN = 1.5f;

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

    /**
     * One layer as the predictor keeps it: A and B off-heap only (where the Vector API's loads are
     * intrinsified), so the factors are not held twice; bias and residual scales on heap.
     */
    private record Layer(int dModel, int rank, int dFfn, MemorySegment a, MemorySegment b, float[] bias,
                         float[] residualNorm, ActiveRegion region) {
    }

    private final Layer[] layers;
    private final ActivityRule rule;
    private final float margin;
    private final Kernels kernels = KernelProvider.best();

    public LowRankPredictor(List<Factors> layers, ActivityRule rule, float margin) {
        if (rule instanceof TopKRule) {
            throw new IllegalArgumentException("the low-rank predictor needs a threshold rule, not " + rule.describe());
        }
        if (!(margin >= 0)) {
            throw new IllegalArgumentException("margin must be ≥ 0, got " + margin);
        }
        this.rule = rule;
        this.margin = margin;
        this.layers = new Layer[layers.size()];
        Arena arena = Arena.ofAuto();
        for (int l = 0; l < this.layers.length; l++) {
            Factors f = layers.get(l);
            MemorySegment a = arena.allocate(4L * f.a().length, 64).copyFrom(MemorySegment.ofArray(f.a()));
            MemorySegment b = arena.allocate(4L * f.b().length, 64).copyFrom(MemorySegment.ofArray(f.b()));
            this.layers[l] = new Layer(f.dModel(), f.rank(), f.dFfn(), a, b, f.bias().clone(), f.residualNorm().clone(),
                    ActiveRegion.of(f.activation(), rule, l));
        }
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
        Layer f = layers[layer];
        int d = f.dModel();
        int r = f.rank();
        int n = f.dFfn();
        // t = x·A and z = bias + t·B, each as a sum of scaled rows (A is [d × r], B is [r × n]).
        MemorySegment a = f.a();
        MemorySegment b = f.b();
        float[] t = new float[r];
        double norm = 0;
        for (int k = 0; k < d; k++) {
            float xk = x[k];
            norm += (double) xk * xk;
            if (xk != 0f) {
                kernels.axpy(DType.F32, xk, a, 4L * k * r, t, r, null);
            }
        }
        float[] z = f.bias().clone();
        for (int j = 0; j < r; j++) {
            kernels.axpy(DType.F32, t[j], b, 4L * j * n, z, n, null);
        }
        float scale = (float) (margin * Math.sqrt(norm / d));
        ActiveRegion region = f.region();
        float[] residual = f.residualNorm();
        for (int i = 0; i < n; i++) {
            float half = scale * residual[i];
            if (region.intersects(z[i] - half, z[i] + half)) {
                out.add(i);
            }
        }
    }
}
