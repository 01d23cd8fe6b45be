package dev.ripple.cache;

import org.eclipse.collections.impl.map.mutable.primitive.LongIntHashMap;

/**
 * Least frequently used, seeded with profiled frequencies: the hot-set cache of PowerInfer-style
 * strategies (Song et al., "PowerInfer", arXiv 2312.12456: a few hot neurons carry most activations,
 * so keep the hottest resident). A key's score is its profiled frequency plus the accesses this
 * policy has seen. When full, a newcomer is admitted only if it is strictly hotter than the coldest
 * resident, which it then replaces; otherwise it is rejected. Residents sit in an indexed binary
 * min-heap on score, so a hit, an admission and an eviction cost O(log n).
 */
final class LfuPolicy extends AbstractPolicy {
    private final double[][] seed;
    private double[][] observed = new double[0][];
    private long[] heapKeys = new long[64];
    private double[] heapScores = new double[64];
    private int heapSize;
    private final LongIntHashMap position = new LongIntHashMap();

    LfuPolicy(double[][] seed) {
        this.seed = seed;
    }

    @Override public String name() { return "lfu"; }

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
        if (count == 0) {
            return;
        }
        if (layer >= observed.length) {
            observed = java.util.Arrays.copyOf(observed, layer + 1);
        }
        double[] obs = observed[layer];
        int maxSlot = slots[count - 1];
        if (obs == null || obs.length <= maxSlot) {
            obs = obs == null ? new double[maxSlot + 1] : java.util.Arrays.copyOf(obs, Math.max(maxSlot + 1, obs.length * 2));
            observed[layer] = obs;
        }
        for (int i = 0; i < count; i++) {
            obs[slots[i]] += 1;
            long k = CachePolicy.key(layer, slots[i]);
            int p = position.getIfAbsent(k, -1);
            if (p >= 0) {
                heapScores[p] = score(layer, slots[i]);
                siftDown(p);
            }
        }
    }

    @Override
    public long evictFor(int layer, int slot) {
        if (heapSize == 0 || !(score(layer, slot) > heapScores[0])) {
            return NO_KEY;
        }
        long victim = heapKeys[0];
        removeAt(0);
        return victim;
    }

    @Override
    public void onAdmitted(int layer, int slot) {
        long k = CachePolicy.key(layer, slot);
        if (heapSize == heapKeys.length) {
            heapKeys = java.util.Arrays.copyOf(heapKeys, heapSize * 2);
            heapScores = java.util.Arrays.copyOf(heapScores, heapSize * 2);
        }
        heapKeys[heapSize] = k;
        heapScores[heapSize] = score(layer, slot);
        position.put(k, heapSize);
        heapSize++;
        siftUp(heapSize - 1);
    }

    @Override
    public void invalidate(int layer, int slot) {
        int p = position.getIfAbsent(CachePolicy.key(layer, slot), -1);
        if (p >= 0) {
            removeAt(p);
        }
    }

    @Override
    public int residentCount() {
        return heapSize;
    }

    private void removeAt(int p) {
        position.remove(heapKeys[p]);
        heapSize--;
        if (p != heapSize) {
            heapKeys[p] = heapKeys[heapSize];
            heapScores[p] = heapScores[heapSize];
            position.put(heapKeys[p], p);
            siftDown(p);
            siftUp(p);
        }
    }

    private boolean less(int a, int b) {
        return heapScores[a] < heapScores[b] || (heapScores[a] == heapScores[b] && heapKeys[a] < heapKeys[b]);
    }

    private void swap(int a, int b) {
        long k = heapKeys[a];
        double s = heapScores[a];
        heapKeys[a] = heapKeys[b];
        heapScores[a] = heapScores[b];
        heapKeys[b] = k;
        heapScores[b] = s;
        position.put(heapKeys[a], a);
        position.put(heapKeys[b], b);
    }

    private void siftUp(int p) {
        while (p > 0) {
            int parent = (p - 1) / 2;
            if (!less(p, parent)) {
                return;
            }
            swap(p, parent);
            p = parent;
        }
    }

    private void siftDown(int p) {
        while (true) {
            int l = 2 * p + 1;
            if (l >= heapSize) {
                return;
            }
            int c = (l + 1 < heapSize && less(l + 1, l)) ? l + 1 : l;
            if (!less(c, p)) {
                return;
            }
            swap(p, c);
            p = c;
        }
    }
}
