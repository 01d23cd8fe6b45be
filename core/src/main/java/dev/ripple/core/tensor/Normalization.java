package dev.ripple.core.tensor;

/** A per-token normalisation applied in place: {@link LayerNorm} (BERT, OPT) or {@link RmsNorm} (Llama). */
public sealed interface Normalization permits LayerNorm, RmsNorm {

    /** Normalises {@code x[0, size())} in place. */
    void apply(float[] x);

    /** The per-element scale, one per normalised position. */
    float[] weight();

    /** The width it normalises. */
    default int size() {
        return weight().length;
    }

    /** @throws IllegalArgumentException naming the norm unless {@code eps} is a number ≥ 0 */
    static void requireEps(String norm, float eps) {
        if (!(eps >= 0)) {
            throw new IllegalArgumentException(norm + ": eps must be ≥ 0, got " + eps);
        }
    }
}
