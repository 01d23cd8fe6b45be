package dev.ripple.placement.predictor;

import java.util.Arrays;

/**
 * Moments of one layer's FFN input x_f and its layer input x_l (the residual stream before
 * attention, normalized as the FFN input will be), taken over the same calibration tokens: what
 * {@link LowRankFactorizer#factorAhead} needs to fit a predictor that proposes the FFN's neurons
 * from the layer input, before attention has run (the "lookahead" of Deja Vu, Liu et al. 2023: the
 * residual stream changes little within a layer). The two inputs alone are not enough: the fit
 * regresses x_f on x_l, which takes their cross moment.
 *
 * <pre>{@code
 * AheadMoments.Builder m = AheadMoments.builder(768);
 * m.add(ffnInputs, layerInputs, tokens);   // both [tokens × 768] row-major, row t of each the same token
 * LowRankFactorizer.factorAhead(weights, 192, 42, m.build());
 * }</pre>
 *
 * @param ffn   the moments of the FFN inputs
 * @param layer the moments of the layer inputs, over the same tokens
 * @param cross E[x_f·x_lᵀ], {@code dModel × dModel} row-major (row: FFN input coordinate; not centred)
 */
public record AheadMoments(InputMoments ffn, InputMoments layer, double[] cross) {

    public AheadMoments {
        if (ffn.dModel() != layer.dModel() || ffn.count() != layer.count()) {
            throw new IllegalArgumentException("ahead moments: FFN inputs of width " + ffn.dModel() + " over "
                    + ffn.count() + " tokens, layer inputs of width " + layer.dModel() + " over " + layer.count()
                    + "; both must be the same width and the same tokens");
        }
        int d = ffn.dModel();
        if (cross.length != (long) d * d) {
            throw new IllegalArgumentException("ahead moments: need " + d + "² cross moments, got " + cross.length);
        }
        for (double v : cross) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException(
                        "ahead moments: a cross moment is " + v + "; the inputs held NaN or ∞");
            }
        }
        cross = cross.clone();
    }

    @Override
    public double[] cross() {
        return cross.clone();
    }

    public int dModel() {
        return ffn.dModel();
    }

    /** The cross-covariance E[(x_f − μ_f)(x_l − μ_l)ᵀ], row-major. */
    public double[] crossCovariance() {
        int d = dModel();
        double[] mf = ffn.mean();
        double[] ml = layer.mean();
        double[] c = new double[cross.length];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                c[i * d + j] = cross[i * d + j] - mf[i] * ml[j];
            }
        }
        return c;
    }

    public static Builder builder(int dModel) {
        return new Builder(dModel);
    }

    /** Sums the two inputs token by token; one builder per layer, used by one thread at a time. */
    public static final class Builder {
        private final int d;
        private final InputMoments.Builder ffn;
        private final InputMoments.Builder layer;
        private final double[] cross;

        private Builder(int d) {
            this.d = d;
            this.ffn = InputMoments.builder(d);
            this.layer = InputMoments.builder(d);
            this.cross = new double[d * d];
        }

        /**
         * Adds the first {@code tokens} rows of both: {@code ffnRows} and {@code layerRows} are
         * {@code [tokens × dModel]} row-major, row t of each from the same token.
         */
        public Builder add(float[] ffnRows, float[] layerRows, int tokens) {
            if ((long) tokens * d > Math.min(ffnRows.length, layerRows.length)) {
                throw new IllegalArgumentException("ahead moments: " + ffnRows.length + " FFN input and "
                        + layerRows.length + " layer input values; need " + tokens + " tokens × " + d + " of each");
            }
            ffn.add(ffnRows, tokens);
            layer.add(layerRows, tokens);
            for (int t = 0; t < tokens; t++) {
                int base = t * d;
                for (int i = 0; i < d; i++) {
                    double fi = ffnRows[base + i];
                    int row = i * d;
                    for (int j = 0; j < d; j++) {
                        cross[row + j] += fi * layerRows[base + j];
                    }
                }
            }
            return this;
        }

        public long count() {
            return ffn.count();
        }

        public AheadMoments build() {
            InputMoments f = ffn.build(); // refuses an empty builder
            double[] c = new double[cross.length];
            for (int k = 0; k < c.length; k++) {
                c[k] = cross[k] / f.count();
            }
            return new AheadMoments(f, layer.build(), c);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AheadMoments m
                && m.ffn.equals(ffn)
                && m.layer.equals(layer)
                && Arrays.equals(m.cross, cross);
    }

    @Override
    public int hashCode() {
        return (ffn.hashCode() * 31 + layer.hashCode()) * 31 + Arrays.hashCode(cross);
    }
}
