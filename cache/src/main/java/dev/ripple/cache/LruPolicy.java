package dev.ripple.cache;

/**
 * Least recently used over all (layer, slot) keys: admits every miss, evicts the key whose last
 * access is oldest. A hit moves the key to the young end. The classic baseline (PowerInfer-2 uses
 * neuron-level LRU for its cold neurons).
 */
class LruPolicy extends AbstractPolicy {
    /** Resident keys, least recently used first. */
    final KeyList order = new KeyList();

    @Override
    public String name() {
        return "lru";
    }

    @Override
    public void recordAccess(int layer, int[] slots, int count) {
        for (int i = 0; i < count; i++) {
            order.moveToLast(CachePolicy.key(layer, slots[i]));
        }
    }

    @Override
    public long evictFor(int layer, int slot) {
        return order.pollFirst();
    }

    @Override
    public void onAdmitted(int layer, int slot) {
        order.addLast(CachePolicy.key(layer, slot), bundleBytes[layer], 0);
    }

    @Override
    public void invalidate(int layer, int slot) {
        order.remove(CachePolicy.key(layer, slot));
    }

    @Override
    public int residentCount() {
        return order.size();
    }

    /** Resident keys from least to most recently used (tests). */
    long[] keysOldestFirst() {
        return order.toArray();
    }
}
