package dev.ripple.placement.algorithm;

import dev.ripple.placement.stats.LayerStats;

/** The model's original order: the baseline every other placement is measured against. */
public final class IdentityPlacement implements PlacementAlgorithm {
    @Override
    public String name() {
        return "identity";
    }

    /** Its name, as in a request's or a report's list of algorithms. */
    @Override
    public String toString() {
        return name();
    }

    @Override
    public int[] order(LayerStats stats) {
        int[] order = new int[stats.neurons()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        return order;
    }

    /** The order and the permutation check's flags: under 16 bytes per neuron. */
    @Override
    public long scratchBytes(int neurons, int tokens) {
        return 16L * neurons;
    }
}
