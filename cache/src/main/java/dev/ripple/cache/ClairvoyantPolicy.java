package dev.ripple.cache;

import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;
import org.eclipse.collections.impl.map.mutable.primitive.LongIntHashMap;
import org.eclipse.collections.impl.map.mutable.primitive.LongObjectHashMap;

/**
 * Belady's MIN (Belady, "A study of replacement algorithms for a virtual-storage computer", IBM
 * Systems Journal 1966), the clairvoyant bound of Caffeine's simulator: knowing the whole access
 * sequence, evict the resident whose next use is furthest away, and reject a candidate whose own next
 * use is no sooner than every resident's. It maximises hits when bundles are of one size, so it
 * bounds the hit rate of the online policies; it is not run-aware, so it does not bound read
 * operations. For {@link CacheSimulator} replays of a known trace: each recorded access must be the
 * next one of the trace.
 */
final class ClairvoyantPolicy extends ScoredPolicy {
    private static final double NEVER = Integer.MAX_VALUE;

    private final int[] accessLayers;
    private final int[] accessCounts;
    private final LongObjectHashMap<IntArrayList> uses = new LongObjectHashMap<>();
    private final LongIntHashMap cursor = new LongIntHashMap();

    private int time = -1;

    ClairvoyantPolicy(int[] accessLayers, int[][] accessSlots) {
        if (accessLayers.length != accessSlots.length) {
            throw new IllegalArgumentException(
                    "trace has " + accessLayers.length + " layers but " + accessSlots.length + " slot sets");
        }
        this.accessLayers = accessLayers.clone();
        this.accessCounts = new int[accessSlots.length];
        for (int a = 0; a < accessSlots.length; a++) {
            accessCounts[a] = accessSlots[a].length;
            for (int s : accessSlots[a]) {
                uses.getIfAbsentPut(CachePolicy.key(accessLayers[a], s), IntArrayList::new)
                        .add(a);
            }
        }
    }

    @Override
    public String name() {
        return "clairvoyant";
    }

    private double nextUse(long key) {
        IntArrayList u = uses.get(key);
        if (u == null) {
            return NEVER;
        }
        int c = cursor.getIfAbsent(key, 0);
        while (c < u.size() && u.get(c) <= time) {
            c++;
        }
        cursor.put(key, c);
        return c < u.size() ? u.get(c) : NEVER;
    }

    @Override
    public void recordAccess(int layer, int[] slots, int count) {
        time++;
        if (time >= accessLayers.length || accessLayers[time] != layer || accessCounts[time] != count) {
            throw new IllegalStateException("access " + time + " (layer " + layer + ", " + count
                    + " slots) is not the next access of the clairvoyant policy's trace");
        }
        for (int i = 0; i < count; i++) {
            long k = CachePolicy.key(layer, slots[i]);
            if (heap.contains(k)) {
                heap.update(k, score(layer, slots[i]));
            }
        }
    }

    /** Minus the next use, so the heap's minimum is the resident used furthest ahead. */
    @Override
    double score(int layer, int slot) {
        return -nextUse(CachePolicy.key(layer, slot));
    }
}
