package dev.ripple.placement.pipeline;

import dev.ripple.core.activity.LowRankPredictor;
import dev.ripple.core.tensor.DType;
import dev.ripple.placement.predictor.FittedPredictor;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.nio.file.Path;

/**
 * What {@link PlacementPipeline#write} stores beside the placed bundles. Start from {@link #defaults()};
 * each component has a wither ({@code withMargin(m)}, ...) from {@link LayoutOptionsBuilder.With}.
 *
 * @param predictorRank rank of the low-rank predictor; 0: none; -1: {@link PlacementPipeline#defaultRank}
 * @param margin        the predictor's margin, in RMS errors of each neuron's prediction
 * @param fillIn        store the calibration trace's mean activation of inactive neurons (mean fill-in)
 * @param tokenizer     a tokenizer.json to embed, or null
 * @param residents     the type of the resident matrices (embeddings, attention, LM head); null: as imported
 * @param fitted        a predictor fitted already ({@link PlacementPipeline#fitPredictor}), so that files of
 *                      several placements share one fit; null: fitted while writing, at {@code predictorRank}.
 *                      Their rank overrides {@code predictorRank}; their read-ahead factors, if any, are
 *                      written (not the calibration trace's ahead moments)
 * @param trained       a trained predictor ({@link PlacementPipeline#trainPredictor}) to store beside the
 *                      low-rank one, which stays and stays the default at run time; null (the default): none. It is not the default because it did not
 *                      beat the low-rank predictor (docs/PERFORMANCE.md §16); runs choose it with
 *                      {@code PredictorKind.TRAINED}
 */
@RecordBuilder
public record LayoutOptions(
        int predictorRank,
        float margin,
        boolean fillIn,
        Path tokenizer,
        DType residents,
        FittedPredictor fitted,
        TrainedFit trained)
        implements LayoutOptionsBuilder.With {

    public LayoutOptions {
        if (predictorRank < -1) {
            throw new IllegalArgumentException(
                    "predictor rank must be ≥ 0, or -1 for the default, got " + predictorRank);
        }
        if (!(margin >= 0)) {
            throw new IllegalArgumentException("predictor margin must be ≥ 0, got " + margin);
        }
    }

    /** Default-rank input-fitted predictor at the default margin, fill-in on, no tokenizer, residents as imported. */
    public static LayoutOptions defaults() {
        return new LayoutOptions(-1, LowRankPredictor.DEFAULT_MARGIN, true, null, null, null, null);
    }
}
