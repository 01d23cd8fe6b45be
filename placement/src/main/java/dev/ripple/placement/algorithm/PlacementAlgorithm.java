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

    /**
     * Heap bytes {@link #order} allocates at its peak for a layer of {@code neurons} neurons whose
     * statistics cover {@code tokens} tokens, on top of the statistics it reads; an upper bound,
     * not an estimate. Callers that place several layers at once add it to each layer's counting
     * working set, so that the layers together stay within the budget one layer was given.
     *
     * <p>The default, {@link #UNKNOWN_SCRATCH}, says the algorithm does not know its bound: the
     * pipeline then places its layers one at a time, in the memory one layer always had, rather
     * than guess from another algorithm's needs. Every built-in algorithm states its own.
     */
    default long scratchBytes(int neurons, int tokens) {
        return UNKNOWN_SCRATCH;
    }

    /** What {@link #scratchBytes} returns when an algorithm cannot bound its scratch. */
    long UNKNOWN_SCRATCH = Long.MAX_VALUE;
}
