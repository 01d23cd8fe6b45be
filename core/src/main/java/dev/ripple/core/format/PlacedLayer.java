package dev.ripple.core.format;

import dev.ripple.core.ffn.FfnLayerWeights;

/**
 * An FFN layer with its placement: bundle slot k on flash holds neuron {@code slotToNeuron[k]}.
 */
public record PlacedLayer(FfnLayerWeights weights, int[] slotToNeuron) {

    public PlacedLayer {
        slotToNeuron = slotToNeuron.clone();
        Permutations.requireValid(slotToNeuron, weights.spec().dFfn(), "layer " + weights.spec().index());
    }

    /** The layer in its original order. */
    public static PlacedLayer identity(FfnLayerWeights weights) {
        return new PlacedLayer(weights, Permutations.identity(weights.spec().dFfn()));
    }

    @Override
    public int[] slotToNeuron() {
        return slotToNeuron.clone();
    }

    int neuronAt(int slot) {
        return slotToNeuron[slot];
    }
}
