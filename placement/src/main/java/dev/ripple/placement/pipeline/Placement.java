package dev.ripple.placement.pipeline;

import dev.ripple.core.ArraySummary;
import dev.ripple.placement.eval.PlacementEvaluation;

/**
 * One algorithm's order of every layer's neurons, and what it achieved on held-out text.
 *
 * @param algorithm its name ({@code ripple+}, {@code ripple}, {@code frequency}, {@code identity})
 * @param orders    per layer, the neurons in flash order
 * @param heldOut   reads per token and collapse on the held-out trace; null when none was given
 */
public record Placement(String algorithm, int[][] orders, PlacementEvaluation heldOut) {

    public Placement {
        orders = orders.clone();
    }

    @Override
    public int[][] orders() {
        return orders.clone();
    }

    /** The algorithm, the layers and the first layer's order begun ({@link ArraySummary}), and whether it was evaluated. */
    @Override
    public String toString() {
        return "Placement[algorithm=" + algorithm + ", layers=" + orders.length
                + (orders.length == 0 ? "" : ", layer 0 order=" + ArraySummary.of(orders[0]))
                + ", heldOut=" + (heldOut == null ? "none" : heldOut.overall()) + "]";
    }
}
