package dev.ripple.placement.eval;

import java.util.List;

/**
 * The result of {@link PlacementEvaluator}: a tree of records whose component names are the JSON
 * names of the report ({@code overall.readsPerToken}, {@code layers[i].collapsed[k].gap}, ...), so
 * Jackson or any record-aware writer serialises it without annotations.
 *
 * @param overall   figures over all token-layers
 * @param layers    figures per layer, in layer order
 */
public record PlacementEvaluation(OverallEvaluation overall, List<LayerEvaluation> layers) {
    public PlacementEvaluation {
        layers = List.copyOf(layers);
    }
}
