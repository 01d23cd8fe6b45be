package dev.ripple.placement.eval;

import java.util.List;

/**
 * Figures over all token-layers of a held-out trace: every mean is per (token, layer) pair, i.e.
 * the mean of the layers' figures weighted by their token counts.
 *
 * @param activePerToken mean active neurons
 * @param readsPerToken  mean contiguous reads (runs of active slots)
 * @param collapsed      reads and extra bytes per collapse gap
 */
public record OverallEvaluation(double activePerToken, double readsPerToken, List<CollapseFigure> collapsed) {
    public OverallEvaluation {
        collapsed = List.copyOf(collapsed);
    }
}
