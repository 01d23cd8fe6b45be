package dev.ripple.placement.eval;

import java.util.List;

/**
 * Figures of one layer on a held-out trace.
 *
 * @param layer          layer index
 * @param activePerToken mean active neurons per token
 * @param readsPerToken  mean contiguous reads per token
 * @param collapsed      reads and extra bytes per collapse gap
 */
public record LayerEvaluation(int layer, double activePerToken, double readsPerToken, List<CollapseFigure> collapsed) {
    public LayerEvaluation {
        collapsed = List.copyOf(collapsed);
    }
}
