package dev.ripple.core.format;

/**
 * Where one FFN layer lives in an opened file: its bundles section (slot k at
 * {@code bundles.offset() + k·bundleBytes}) and its placement.
 */
public record FfnLayerSection(FfnLayerSpec spec, SectionEntry bundles, int[] slotToNeuron, String downBiasTensor) {

    public FfnLayerSection {
        slotToNeuron = slotToNeuron.clone();
    }

    @Override
    public int[] slotToNeuron() {
        return slotToNeuron.clone();
    }

    /** Absolute file offset of the bundle in {@code slot}. */
    public long bundleOffset(int slot) {
        return bundles.offset() + (long) slot * spec.bundleBytes();
    }

    /** neuron → slot, the inverse of {@link #slotToNeuron()}. */
    public int[] neuronToSlot() {
        return Permutations.inverse(slotToNeuron);
    }
}
