package dev.ripple.placement.synthetic;

/**
 * Rotary inverse frequencies in double precision, straight from the formulas: the default
 * {@code inv_freq[i] = theta^(-2i/headDim)} and Llama 3.1's rescaling (transformers'
 * {@code _compute_llama3_parameters}). Hugging Face computes them in float32, so the f32 values
 * stored in the graph can differ from its by an ulp.
 */
final class RopeFrequencies {
    private RopeFrequencies() {}

    static double[] inverseFrequencies(int headDim, double theta, SyntheticDecoder.RopeScaling scaling) {
        double[] inv = new double[headDim / 2];
        for (int i = 0; i < inv.length; i++) {
            inv[i] = 1.0 / Math.pow(theta, (2.0 * i) / headDim);
        }
        return scaling == null ? inv : llama3(inv, scaling);
    }

    /**
     * Wavelengths {@code 2π/f} longer than {@code original/lowFreqFactor} are divided by {@code factor};
     * those shorter than {@code original/highFreqFactor} are kept; in between,
     * {@code (1 - s)·f/factor + s·f} with {@code s = (original/wavelength - low)/(high - low)}.
     */
    static double[] llama3(double[] inv, SyntheticDecoder.RopeScaling r) {
        double lowWavelength = r.originalMaxPositions() / r.lowFreqFactor();
        double highWavelength = r.originalMaxPositions() / r.highFreqFactor();
        double[] out = new double[inv.length];
        for (int i = 0; i < inv.length; i++) {
            double wavelength = 2 * Math.PI / inv[i];
            if (wavelength < highWavelength) {
                out[i] = inv[i];
            } else if (wavelength > lowWavelength) {
                out[i] = inv[i] / r.factor();
            } else {
                double s = (r.originalMaxPositions() / wavelength - r.lowFreqFactor())
                        / (r.highFreqFactor() - r.lowFreqFactor());
                out[i] = (1 - s) * inv[i] / r.factor() + s * inv[i];
            }
        }
        return out;
    }
}
