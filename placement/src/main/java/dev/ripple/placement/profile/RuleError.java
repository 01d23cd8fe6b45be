package dev.ripple.placement.profile;

import dev.ripple.core.ffn.FfnLayerWeights;
import org.roaringbitmap.RoaringBitmap;

/**
 * The FFN output error an activity rule causes for one token:
 * {@code ||Σ_{i∉S} a_i·down_i|| / ||b + Σ_i a_i·down_i||}, computed from the recorded activations
 * and the down weights (float accumulation, double norms). Fill-in and predictors are not involved: this is the
 * error of dropping exactly the inactive neurons.
 */
final class RuleError {
    private final float[] kept;
    private final float[] dropped;

    RuleError(int dModel) {
        this.kept = new float[dModel];
        this.dropped = new float[dModel];
    }

    /**
     * @param acts   activations of all neurons for this token, from {@code offset}
     * @param active the neurons kept
     */
    double relative(FfnLayerWeights w, float[] acts, int offset, RoaringBitmap active) {
        int d = w.spec().dModel();
        float[] down = w.downColumns();
        float[] bias = w.downBias();
        for (int k = 0; k < d; k++) {
            kept[k] = bias[k];
            dropped[k] = 0;
        }
        // Each neuron is added to exactly one side; dense = kept + dropped.
        for (int i = 0; i < w.spec().dFfn(); i++) {
            float a = acts[offset + i];
            if (a != 0) {
                axpy(active.contains(i) ? kept : dropped, a, down, i * d, d);
            }
        }
        double num = 0;
        double den = 0;
        for (int k = 0; k < d; k++) {
            double dense = (double) kept[k] + dropped[k];
            num += (double) dropped[k] * dropped[k];
            den += dense * dense;
        }
        return den == 0 ? (num == 0 ? 0 : Double.POSITIVE_INFINITY) : Math.sqrt(num / den);
    }

    /** Float accumulation so the JIT vectorises it; the result is a statistic, 1e-6 relative is plenty. */
    private static void axpy(float[] acc, float a, float[] x, int from, int n) {
        for (int k = 0; k < n; k++) {
            acc[k] += a * x[from + k];
        }
    }
}
