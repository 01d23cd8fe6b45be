package dev.ripple.placement.predictor;

import java.util.Arrays;

/**
 * First and second moments of one FFN layer's input over calibration tokens: what the low-rank
 * predictor's factorization needs to be fitted to the inputs the layer really sees instead of to
 * all directions alike. Transformer hidden states after a layer norm are far from isotropic (a few
 * directions carry most of the energy), so an approximation that is exact on those directions
 * predicts much better than the plain SVD of the weights, at the same rank.
 *
 * <pre>{@code
 * InputMoments.Builder m = InputMoments.builder(384);
 * m.add(ffnInputs, tokens);           // [tokens × 384] row-major, as many times as needed
 * LowRankFactorizer.factor(weights, 96, 42, m.build());
 * }</pre>
 *
 * @param dModel the input width
 * @param count  tokens seen
 * @param mean   E[x], {@code dModel} values
 * @param second E[x·xᵀ], {@code dModel × dModel} row-major (not centred)
 */
public record InputMoments(int dModel, long count, double[] mean, double[] second) {

    public InputMoments {
        if (dModel <= 0 || count <= 0 || mean.length != dModel || second.length != (long) dModel * dModel) {
            throw new IllegalArgumentException(
                    "input moments: need " + dModel + " means and " + dModel + "² second moments"
                            + " over at least one token; got " + mean.length + ", " + second.length + " over " + count);
        }
        for (double v : second) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException(
                        "input moments: a second moment is " + v + "; the inputs held NaN or ∞");
            }
        }
        mean = mean.clone();
        second = second.clone();
    }

    @Override
    public double[] mean() {
        return mean.clone();
    }

    @Override
    public double[] second() {
        return second.clone();
    }

    /** The covariance E[(x−μ)(x−μ)ᵀ], row-major. */
    public double[] covariance() {
        double[] c = new double[second.length];
        for (int i = 0; i < dModel; i++) {
            for (int j = 0; j < dModel; j++) {
                c[i * dModel + j] = second[i * dModel + j] - mean[i] * mean[j];
            }
        }
        return c;
    }

    /** E[‖x‖²] / dModel: the mean square of one input coordinate. */
    public double meanSquare() {
        double s = 0;
        for (int i = 0; i < dModel; i++) {
            s += second[i * dModel + i];
        }
        return s / dModel;
    }

    public static Builder builder(int dModel) {
        return new Builder(dModel);
    }

    /** Sums inputs token by token; one builder per layer, used by one thread at a time. */
    public static final class Builder {
        private final int d;
        private final double[] sum;
        private final double[] upper;
        private long count;

        private Builder(int d) {
            if (d <= 0) {
                throw new IllegalArgumentException("input width must be positive, got " + d);
            }
            this.d = d;
            this.sum = new double[d];
            this.upper = new double[d * d];
        }

        /** Adds the first {@code tokens} rows of {@code rows} ({@code [tokens × dModel]} row-major). */
        public Builder add(float[] rows, int tokens) {
            if ((long) tokens * d > rows.length) {
                throw new IllegalArgumentException(
                        "input moments: " + rows.length + " values hold fewer than " + tokens + " tokens × " + d);
            }
            double[] x = new double[d];
            for (int t = 0; t < tokens; t++) {
                int base = t * d;
                for (int i = 0; i < d; i++) {
                    x[i] = rows[base + i];
                    sum[i] += x[i];
                }
                // Only the upper triangle: the matrix is symmetric.
                for (int i = 0; i < d; i++) {
                    double xi = x[i];
                    int row = i * d;
                    for (int j = i; j < d; j++) {
                        upper[row + j] += xi * x[j];
                    }
                }
            }
            count += tokens;
            return this;
        }

        public long count() {
            return count;
        }

        public InputMoments build() {
            if (count == 0) {
                throw new IllegalStateException("input moments: no token was added");
            }
            double[] mean = new double[d];
            double[] second = new double[d * d];
            for (int i = 0; i < d; i++) {
                mean[i] = sum[i] / count;
                for (int j = i; j < d; j++) {
                    double v = upper[i * d + j] / count;
                    second[i * d + j] = v;
                    second[j * d + i] = v;
                }
            }
            return new InputMoments(d, count, mean, second);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputMoments m
                && m.dModel == dModel
                && m.count == count
                && Arrays.equals(m.mean, mean)
                && Arrays.equals(m.second, second);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(mean) * 31 + Long.hashCode(count);
    }
}
