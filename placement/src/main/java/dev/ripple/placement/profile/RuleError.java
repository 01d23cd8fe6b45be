package dev.ripple.placement.profile;

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
     * @param active {@code active[i]}: neuron {@code i} is kept
     */
    double relative(DownProjection w, int dFfn, float[] acts, int offset, boolean[] active) {
        int d = w.dModel();
        float[] bias = w.bias();
        for (int k = 0; k < d; k++) {
            kept[k] = bias[k];
            dropped[k] = 0;
        }
        // Each neuron is added to exactly one side; dense = kept + dropped.
        for (int i = 0; i < dFfn; i++) {
            float a = acts[offset + i];
            if (a != 0) {
                w.addColumn(i, a, active[i] ? kept : dropped);
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
}
