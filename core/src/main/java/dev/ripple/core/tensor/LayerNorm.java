package dev.ripple.core.tensor;

/**
 * Layer normalisation in place: {@code x ← (x − mean) / sqrt(var + eps) · weight + bias}, mean and
 * variance accumulated in double (as ONNX Runtime's and PyTorch's kernels do in wider precision),
 * so that long hidden states do not lose the small differences the normalisation amplifies.
 *
 * <pre>{@code
 * LayerNorm ln = new LayerNorm(weights.vector("ln.weight", 768), weights.vector("ln.bias", 768), 1e-5f);
 * ln.apply(hidden);
 * }</pre>
 *
 * @param bias null when the norm has none
 */
public record LayerNorm(float[] weight, float[] bias, float eps) implements Normalization {

    public LayerNorm {
        if (bias != null && bias.length != weight.length) {
            throw new IllegalArgumentException("layer norm: weight " + weight.length + ", bias " + bias.length);
        }
        Normalization.requireEps("layer norm", eps);
    }

    @Override
    public void apply(float[] x) {
        int h = weight.length;
        double mean = 0;
        for (int k = 0; k < h; k++) {
            mean += x[k];
        }
        mean /= h;
        double var = 0;
        for (int k = 0; k < h; k++) {
            var += (x[k] - mean) * (x[k] - mean);
        }
        var /= h;
        float inv = (float) (1.0 / Math.sqrt(var + eps));
        for (int k = 0; k < h; k++) {
            x[k] = (float) ((x[k] - mean) * inv) * weight[k] + (bias == null ? 0f : bias[k]);
        }
    }
}
