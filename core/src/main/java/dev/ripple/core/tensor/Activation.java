package dev.ripple.core.tensor;

import dev.ripple.core.Labels;

/**
 * The FFN's element-wise activation. For gated FFNs it is applied to the gate projection and the
 * result multiplies the up projection (SwiGLU when {@link #SILU}).
 */
public enum Activation {
    RELU("relu"),
    /** Exact GELU, x·Φ(x), as BERT and PyTorch's default export (Erf form). */
    GELU("gelu"),
    /** The tanh approximation of GELU used by GPT-2 style models. */
    GELU_TANH("gelu_tanh"),
    SILU("silu");

    private final String label;

    Activation(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static Activation ofLabel(String label) {
        return Labels.findIgnoringCase(values(), Activation::label, label, "activation");
    }

    /**
     * Applies the activation with a ReLU threshold t: for {@link #RELU}, values at or below t are 0
     * (ProSparse's FATReLU; t = 0 is the plain ReLU); other activations ignore t. A NaN stays NaN, as
     * in PyTorch: written {@code x > t ? x : 0}, ReLU turned a NaN into a plausible 0.
     */
    public float apply(float x, float reluThreshold) {
        return this == RELU ? (x <= reluThreshold ? 0f : x) : apply(x);
    }

    /** Applies the activation to one value. */
    public float apply(float x) {
        return switch (this) {
            case RELU -> x <= 0 ? 0f : x;
            case GELU -> (float) (0.5 * x * (1.0 + Erf.erf(x / Math.sqrt(2.0))));
            case GELU_TANH -> (float) (0.5 * x * (1.0 + Math.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x))));
            case SILU -> (float) (x / (1.0 + Math.exp(-x)));
        };
    }
}
