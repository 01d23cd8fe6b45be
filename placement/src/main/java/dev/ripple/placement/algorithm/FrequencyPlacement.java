package dev.ripple.placement.algorithm;

import dev.ripple.placement.stats.LayerStats;
import java.util.Arrays;

/**
 * Hottest neurons first (ties by id): the PowerInfer-style layout, which packs frequent neurons
 * together but ignores which of them fire together.
 */
public final class FrequencyPlacement implements PlacementAlgorithm {
    @Override
    public String name() {
        return "frequency";
    }

    /** Its name, as in a request's or a report's list of algorithms. */
    @Override
    public String toString() {
        return name();
    }

    @Override
    public int[] order(LayerStats stats) {
        int n = stats.neurons();
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            // descending count, then ascending id, as one ascending long key
            keys[i] = ((long) (Integer.MAX_VALUE - stats.count(i)) << 32) | i;
        }
        Arrays.sort(keys);
        int[] order = new int[n];
        for (int s = 0; s < n; s++) {
            order[s] = (int) keys[s];
        }
        return order;
    }

    /** The sort keys (a long per neuron), the order and the permutation check: under 16 bytes per neuron. */
    @Override
    public long scratchBytes(int neurons, int tokens) {
        return 16L * neurons;
    }
}
