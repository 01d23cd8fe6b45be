package dev.ripple.cache;

/**
 * Decides what a {@link BundleCache} (or {@link CacheSimulator}) keeps. A policy instance belongs to
 * exactly one cache, which calls it under one lock, so implementations need no synchronisation.
 * Keys name a bundle as (layer, slot); {@link #key}, {@link #layerOf} and {@link #slotOf} pack them
 * into a {@code long}.
 *
 * <p>Protocol, per token and layer: {@link #recordAccess} once with the needed slots; then, for the
 * misses that were read, {@link #selectAdmissions} marks the candidates, knowing the whole needed
 * set and which planned read each needed slot belongs to; for each candidate the cache
 * asks {@link #evictFor} for victims until the candidate fits in the byte budget (or the policy
 * rejects it), then calls {@link #onAdmitted}. After every call the cache drains
 * {@link #pollExpired} and drops those keys too. The policy's resident set always equals the cache's.
 */
public interface CachePolicy {

    /** "No key": {@link #evictFor} rejects the candidate; {@link #pollExpired} has nothing. */
    long NO_KEY = -1L;

    static long key(int layer, int slot) {
        return ((long) layer << 32) | (slot & 0xFFFF_FFFFL);
    }

    static int layerOf(long key) {
        return (int) (key >>> 32);
    }

    static int slotOf(long key) {
        return (int) key;
    }

    /** The registered name ("lru", "s3fifo", ...). */
    String name();

    /**
     * Called once by the owning cache before anything else.
     *
     * @throws IllegalStateException if the instance already belongs to a cache
     */
    void init(long budgetBytes, int[] bundleBytesPerLayer);

    /** One token's needed slots of a layer (ascending, first {@code count}); hits are the resident ones. */
    void recordAccess(int layer, int[] slots, int count);

    /**
     * What the cache calls once per token-layer: {@link #recordAccess} with the planned read of each
     * needed slot ({@code readOf}, as in {@link #selectAdmissions}). Policies that do not reason on
     * reads ignore it.
     */
    default void recordReads(int layer, int[] slots, int[] readOf, int count) {
        recordAccess(layer, slots, count);
    }

    /**
     * Marks in {@code admit[i]} which of the offered missed slots to try to admit.
     *
     * @param needed the whole needed set of this token-layer (ascending, first {@code neededCount}),
     *               which contains the offered slots; policies that reason on runs use it
     * @param readOf for each needed slot, the index of the planned read that fetches it (non-decreasing,
     *               from 0): the caller's read planner's grouping over the whole needed set, or, when
     *               the caller planned nothing, contiguous runs of needed slots. A read with no miss
     *               costs nothing (docs/CACHE.md: what the flash runtime reads of the others).
     */
    void selectAdmissions(
            int layer, int[] needed, int neededCount, int[] readOf, int[] offered, int offeredCount, boolean[] admit);

    /**
     * The candidate (layer, slot) does not fit: returns a resident key to evict, already removed from
     * the policy, or {@link #NO_KEY} to reject the candidate.
     */
    long evictFor(int layer, int slot);

    /** The candidate is now resident. */
    void onAdmitted(int layer, int slot);

    /** Keys the policy drops regardless of pressure (e.g. left the window), already removed; {@link #NO_KEY} when none. */
    default long pollExpired() {
        return NO_KEY;
    }

    /** Forgets a resident key without the usual eviction bookkeeping (used by wrapping policies). */
    void invalidate(int layer, int slot);

    /** Number of resident keys the policy tracks (for invariant checks). */
    int residentCount();
}
