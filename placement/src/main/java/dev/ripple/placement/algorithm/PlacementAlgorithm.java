package dev.ripple.placement.algorithm;

import dev.ripple.placement.stats.LayerStats;

/**
 * Decides the file order of one layer's neuron bundles from its co-activation statistics.
 *
 * <p>Contract: {@link #order} returns {@code slot -> neuron}, a permutation of
 * {@code 0..stats.neurons()-1}, and returns the same array for the same statistics (no clock,
 * no unseeded randomness in the result).
 *
 * <pre>{@code
 * PlacementAlgorithm ripple = PlacementAlgorithms.byName("ripple");
 * int[] order = ripple.order(new CoActivationCounter().count(calibration, layer));
 * }</pre>
 */
public interface PlacementAlgorithm {
    /** The registry name, e.g. {@code "ripple"}. */
    String name();

    /** {@code order[slot] = neuron}: a permutation of the layer's neuron ids. */
    int[] order(LayerStats stats);
}
