package dev.ripple.core.activity;

import org.eclipse.collections.api.list.primitive.MutableIntList;

/**
 * Guesses, before any FFN weight is read, which neurons of a layer will be active for a token.
 * False positives cost I/O only (the executor recomputes exact activations from the loaded
 * rows); false negatives cost accuracy (softened by mean fill-in).
 *
 * <p>Implementations: {@link DensePredictor} (all neurons: the correctness baseline),
 * {@link TracePredictor} (replays recorded true sets: I/O evaluation without predictor error),
 * {@link LowRankPredictor} (a resident truncated SVD of the up/gate projection) and
 * {@link TrainedPredictor} (a small network per layer trained on profiled inputs).
 */
public interface ActivationPredictor {

    /**
     * {@code dense}, {@code trace}, {@code lowrank}, {@code trained}; {@code lowrank-ahead} for the
     * read-ahead factors a file may store ({@link LowRankPredictor#readAhead}).
     */
    String name();

    /**
     * Adds the predicted active neurons (original ids, ascending) of {@code layer} for the input
     * {@code x} to {@code out}.
     */
    void predict(int layer, float[] x, MutableIntList out);

    /**
     * Whether a call on some other input (the layer input, before attention) leaves later calls
     * unchanged: no per-call state such as a replay cursor or an audit. The runtime then predicts
     * ahead to start a layer's reads before its attention runs; otherwise it does not.
     */
    default boolean predictsAhead() {
        return false;
    }
}
