package dev.ripple.cache;

/**
 * A policy that ranks keys by a score and keeps the highest-scored residents: when a candidate does
 * not fit, the lowest-scored resident makes room only if the candidate scores strictly higher,
 * otherwise the candidate is rejected. Residents sit in an indexed binary min-heap on score ({@link
 * IndexedMinHeap}), so an eviction, an admission and a rescore cost O(log n).
 */
abstract class ScoredPolicy extends AbstractPolicy {
    final IndexedMinHeap heap = new IndexedMinHeap();

    /** The key's score now; higher is more worth keeping. */
    abstract double score(int layer, int slot);

    @Override
    public final long evictFor(int layer, int slot) {
        if (heap.size() == 0 || !(score(layer, slot) > heap.peekScore())) {
            return NO_KEY;
        }
        return heap.poll();
    }

    @Override
    public final void onAdmitted(int layer, int slot) {
        heap.add(CachePolicy.key(layer, slot), score(layer, slot));
    }

    @Override
    public final void invalidate(int layer, int slot) {
        heap.remove(CachePolicy.key(layer, slot));
    }

    @Override
    public final int residentCount() {
        return heap.size();
    }
}
