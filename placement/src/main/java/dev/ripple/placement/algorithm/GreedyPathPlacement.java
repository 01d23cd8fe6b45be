package dev.ripple.placement.algorithm;

import dev.ripple.placement.stats.LayerStats;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code ripple}: the paper's offline placement, a greedy maximum-weight Hamiltonian path on the
 * co-activation graph (see {@link GreedyChains}). Chains of two or more neurons are concatenated by
 * descending internal weight (the sum of their adjacent joint counts), then isolated neurons by
 * descending activation count. Reads across chain boundaries cannot be saved: in exact statistics
 * any two chain ends have {@code f = 0}, or the greedy would have joined them.
 */
public final class GreedyPathPlacement implements PlacementAlgorithm {
    @Override
    public String name() {
        return "ripple";
    }

    /** Its name, as in a request's or a report's list of algorithms. */
    @Override
    public String toString() {
        return name();
    }

    @Override
    public int[] order(LayerStats stats) {
        List<int[]> chains = GreedyChains.build(stats);
        return Permutations.requirePermutation(name(), concatenate(chains, stats), stats.neurons());
    }

    /**
     * The greedy's chains ({@link GreedyChains#scratchBytes}) plus the concatenation: a key of three
     * longs per chain, the lists and the order, bounded by 64 bytes per neuron.
     */
    @Override
    public long scratchBytes(int neurons, int tokens) {
        return GreedyChains.scratchBytes(neurons, tokens) + 64L * neurons;
    }

    static int[] concatenate(List<int[]> chains, LayerStats stats) {
        List<int[]> paths = new ArrayList<>();
        List<int[]> singles = new ArrayList<>();
        for (int[] c : chains) {
            (c.length > 1 ? paths : singles).add(c);
        }
        List<long[]> keyed = new ArrayList<>();
        for (int k = 0; k < paths.size(); k++) {
            keyed.add(new long[] {internalWeight(paths.get(k), stats), paths.get(k)[0], k});
        }
        keyed.sort(Comparator.<long[]>comparingLong(a -> -a[0]).thenComparingLong(a -> a[1]));
        singles.sort(Comparator.<int[]>comparingInt(c -> -stats.count(c[0])).thenComparingInt(c -> c[0]));
        int[] order = new int[stats.neurons()];
        int s = 0;
        for (long[] key : keyed) {
            for (int v : paths.get((int) key[2])) {
                order[s++] = v;
            }
        }
        for (int[] c : singles) {
            order[s++] = c[0];
        }
        return order;
    }

    static long internalWeight(int[] chain, LayerStats stats) {
        long w = 0;
        for (int k = 0; k + 1 < chain.length; k++) {
            w += stats.joint(chain[k], chain[k + 1]);
        }
        return w;
    }
}
