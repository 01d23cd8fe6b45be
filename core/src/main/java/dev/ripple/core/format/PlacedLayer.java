package dev.ripple.core.format;

/**
 * An FFN layer with its placement: bundle slot k on flash holds neuron {@code slotToNeuron[k]}.
 */
public record PlacedLayer(BundleSource weights, int[] slotToNeuron) {

    public PlacedLayer {
        slotToNeuron = slotToNeuron.clone();
        Permutations.requireValid(
                slotToNeuron, weights.spec().dFfn(), "layer " + weights.spec().index());
    }

    /** The layer in its original order. */
    public static PlacedLayer identity(BundleSource weights) {
        return new PlacedLayer(weights, Permutations.identity(weights.spec().dFfn()));
    }

    @Override
    public int[] slotToNeuron() {
        return slotToNeuron.clone();
    }
}
