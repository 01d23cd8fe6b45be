package dev.ripple.core.activity;

import java.util.Arrays;
import java.util.Locale;

/**
 * Which activation predictor a model runs with, chosen in {@code RuntimeOptions}. A predictor that
 * replays recorded sets (a {@link TracePredictor}) is not a kind: the caller passes it to
 * {@code RippleModel.open(path, options, predictor, listener)}, which overrides this choice.
 */
public enum PredictorKind {
    /** Every neuron of every layer (the dense forward, read from flash). */
    DENSE,
    /** The low-rank predictor stored in the file ({@link LowRankPredictor}). */
    LOWRANK;

    /** The name used on the command line and in reports: {@code dense}, {@code lowrank}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind named {@code label}, or an exception listing the names there are. */
    public static PredictorKind parse(String label) {
        for (PredictorKind k : values()) {
            if (k.label().equals(label)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown predictor '" + label + "' (known: "
                + String.join(
                        ", ", Arrays.stream(values()).map(PredictorKind::label).toList()) + ")");
    }
}
