package dev.ripple.core.tensor;

/** A per-token normalisation applied in place: {@link LayerNorm} (BERT, OPT) or {@link RmsNorm} (Llama). */
public sealed interface Normalization permits LayerNorm, RmsNorm {

    /** Normalises {@code x[0, size())} in place. */
    void apply(float[] x);

    /** The width it normalises. */
    int size();
}
