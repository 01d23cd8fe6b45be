package dev.ripple.core.tensor;

/**
 * Root-mean-square normalisation in place, as the Llama family computes it:
 * {@code x ← x / sqrt(mean(x²) + eps) · weight} (no centring, no bias), the mean of squares
 * accumulated in double.
 *
 * <pre>{@code
 * RmsNorm norm = new RmsNorm(weights.vector("model.norm.weight", 4096), 1e-5f);
 * norm.apply(hidden);
 * }</pre>
 */
public record RmsNorm(float[] weight, float eps) implements Normalization {

    public RmsNorm {
        Normalization.requireEps("rms norm", eps);
    }

    @Override
    public void apply(float[] x) {
        int h = weight.length;
        double squares = 0;
        for (int k = 0; k < h; k++) {
            squares += (double) x[k] * x[k];
        }
        float inv = (float) (1.0 / Math.sqrt(squares / h + eps));
        for (int k = 0; k < h; k++) {
            x[k] = weight[k] * (x[k] * inv);
        }
    }
}
