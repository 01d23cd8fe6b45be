package dev.ripple.placement.profile;

import dev.ripple.core.ffn.FfnLayerWeights;
import org.roaringbitmap.RoaringBitmap;

/**
 * The FFN output error an activity rule causes for one token:
 * {@code ||Σ_{i∉S} a_i·down_i|| / ||b + Σ_i a_i·down_i||}, computed from the recorded activations
 * and the down weights in double precision. Fill-in and predictors are not involved: this is the
 * error of dropping exactly the inactive neurons.
 */
final class RuleError {
    private final double[] dense;
    private final double[] dropped;

    RuleError(int dModel) {
        this.dense = new double[dModel];
        this.dropped = new double[dModel];
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
            dense[k] = bias[k];
            dropped[k] = 0;
        }
        for (int i = 0; i < w.spec().dFfn(); i++) {
            double a = acts[offset + i];
            if (a == 0) {
                continue;
            }
            int row = i * d;
            boolean keep = active.contains(i);
            for (int k = 0; k < d; k++) {
                double c = a * down[row + k];
                dense[k] += c;
                if (!keep) {
                    dropped[k] += c;
                }
            }
        }
        double num = 0;
        double den = 0;
        for (int k = 0; k < d; k++) {
            num += dropped[k] * dropped[k];
            den += dense[k] * dense[k];
        }
        return den == 0 ? (num == 0 ? 0 : Double.POSITIVE_INFINITY) : Math.sqrt(num / den);
    }
}
