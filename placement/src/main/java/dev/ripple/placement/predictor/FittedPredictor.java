package dev.ripple.placement.predictor;

import dev.ripple.core.activity.LowRankPredictor;
import java.util.List;

/**
 * The low-rank factors fitted for every layer of a model, and the read-ahead's factors beside them
 * when the calibration trace paired the layer inputs with the FFN inputs
 * ({@link LowRankFactorizer#factorAhead}): what a {@code .ripple} file stores as its low-rank and
 * read-ahead predictors. A fit does not depend on the placement, so files of several placements
 * can share one.
 *
 * @param lowRank per layer, the factors that predict the FFN's neurons from its input
 * @param ahead   per layer, the factors that predict them from the layer input, at the same rank
 *                and seed; empty when the trace had no ahead moments
 */
public record FittedPredictor(List<LowRankPredictor.Factors> lowRank, List<LowRankPredictor.Factors> ahead) {

    public FittedPredictor {
        if (lowRank.isEmpty()) {
            throw new IllegalArgumentException("a fitted predictor has at least one layer");
        }
        if (!ahead.isEmpty() && ahead.size() != lowRank.size()) {
            throw new IllegalArgumentException(
                    "read-ahead factors for " + ahead.size() + " layers, low-rank ones for " + lowRank.size());
        }
        lowRank = List.copyOf(lowRank);
        ahead = List.copyOf(ahead);
    }

    /** The rank of the first layer's factors: every layer's, unless a layer is narrower. */
    public int rank() {
        return lowRank.getFirst().rank();
    }

    public int layers() {
        return lowRank.size();
    }

    /** Whether the read-ahead's factors were fitted. */
    public boolean hasAhead() {
        return !ahead.isEmpty();
    }
}
