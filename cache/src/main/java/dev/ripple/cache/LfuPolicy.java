package dev.ripple.cache;

import java.util.Arrays;

/**
 * Least frequently used, seeded with profiled frequencies: the hot-set cache of PowerInfer-style
 * strategies (Song et al., "PowerInfer", arXiv 2312.12456: a few hot neurons carry most activations,
 * so keep the hottest resident). A key's score is its profiled frequency plus the accesses this
 * policy has seen. When full, a newcomer is admitted only if it is strictly hotter than the coldest
 * resident, which it then replaces; otherwise it is rejected ({@link ScoredPolicy}).
 */
final class LfuPolicy extends ScoredPolicy {
    private final double[][] seed;
    private double[][] observed = new double[0][];

    LfuPolicy(double[][] seed) {
        this.seed = seed;
    }

    @Override
    public String name() {
        return "lfu";
    }

    @Override
    double score(int layer, int slot) {
        double s = 0;
        if (seed != null && layer < seed.length && seed[layer] != null && slot < seed[layer].length) {
            s += seed[layer][slot];
        }
        if (layer < observed.length && observed[layer] != null && slot < observed[layer].length) {
            s += observed[layer][slot];
        }
        return s;
    }

    @Override
    public void recordAccess(int layer, int[] slots, int count) {
        recordCredits(layer, slots, null, count);
    }

    /**
     * Adds {@code credit[i]} (null: 1 each) to the score of {@code slots[i]}: how a wrapping policy
     * ("linking") counts an access by the share of a read it stands for rather than as 1.
     */
    void recordCredits(int layer, int[] slots, double[] credit, int count) {
        if (count == 0) {
            return;
        }
        if (layer >= observed.length) {
            observed = Arrays.copyOf(observed, layer + 1);
        }
        double[] obs = observed[layer];
        int maxSlot = slots[count - 1];
        if (obs == null || obs.length <= maxSlot) {
            obs = obs == null ? new double[maxSlot + 1] : Arrays.copyOf(obs, Math.max(maxSlot + 1, obs.length * 2));
            observed[layer] = obs;
        }
        for (int i = 0; i < count; i++) {
            obs[slots[i]] += credit == null ? 1 : credit[i];
            heap.update(CachePolicy.key(layer, slots[i]), score(layer, slots[i]));
        }
    }
}
