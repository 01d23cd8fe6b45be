package dev.ripple.core.activity;

import dev.ripple.core.Labels;
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
    LOWRANK,
    /**
     * The trained predictor stored in the file ({@link TrainedPredictor}), written by {@code ripple
     * place --predictor trained}; not the default, as it did not beat the low-rank one
     * (docs/PERFORMANCE.md §16).
     */
    TRAINED;

    /** The name used on the command line and in reports: {@code dense}, {@code lowrank}, {@code trained}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind named {@code label}, or an exception listing the names there are. */
    public static PredictorKind parse(String label) {
        return Labels.find(values(), PredictorKind::label, label, "predictor");
    }
}
