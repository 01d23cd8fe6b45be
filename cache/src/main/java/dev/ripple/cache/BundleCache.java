package dev.ripple.cache;

import java.lang.foreign.MemorySegment;

/**
 * Off-heap cache of bundles under a byte budget that is never exceeded. Thread-safe.
 *
 * <p>Per token and layer: {@link #lookup} the needed slots (this records the access with the policy
 * and in the caller's {@link CacheAccess}, and copies the resident bundles out), read the misses from
 * flash, then {@link #admit} the bundles that were read completely with that same access. Storage: fixed-size chunks carved from off-heap
 * slabs of one shared arena (see {@code OffHeapChunkStore}); concurrency: see {@code CacheEngine}
 * and docs/CACHE.md.
 */
public final class BundleCache extends CacheReadouts implements AutoCloseable {

    /**
     * @param bundleBytesPerLayer bundle size of each layer
     * @throws IllegalArgumentException if budget < the largest bundle (message names both)
     */
    public BundleCache(long budgetBytes, int[] bundleBytesPerLayer, CachePolicy policy) {
        super(new CacheEngine(budgetBytes, bundleBytesPerLayer, policy, true));
    }

    /**
     * One token's needed slots of a layer, ascending, {@code count} of them used. Records the access
     * with the policy (once per token and layer), copies each resident bundle {@code slots[i]} into
     * {@code out} at offset {@code (long) i * bundleBytes(layer)}, sets {@code hit[i]}; returns the
     * number of hits. Bytes of misses in {@code out} are left untouched.
     */
    public int lookup(CacheAccess access, int layer, int[] slots, int count, MemorySegment out, boolean[] hit) {
        return lookup(access, layer, slots, null, count, out, hit);
    }

    /**
     * Like {@link #lookup(CacheAccess, int, int[], int, MemorySegment, boolean[])}, and tells the cache how the
     * caller's read planner groups the needed slots: {@code readOf[i]} is the index of the planned
     * read that fetches {@code slots[i]} (0, 1, ... in slot order; null: contiguous runs are reads).
     * A policy that reasons on reads ("linking") judges by this grouping, which does not depend on
     * what the cache holds; the flash runtime then reads, with a device's cost model, only the
     * misses, planned among themselves, so a long run of hits may split one of these reads in two,
     * and with a fixed gap these reads whole (docs/CACHE.md).
     *
     * @throws IllegalArgumentException if {@code readOf} does not number reads 0, 1, ... in slot order
     */
    public int lookup(
            CacheAccess access, int layer, int[] slots, int[] readOf, int count, MemorySegment out, boolean[] hit) {
        if (out == null) {
            throw new IllegalArgumentException("out is null");
        }
        return engine.lookup(access, layer, slots, readOf, count, out, hit);
    }

    /**
     * Offers complete bundles just read for this token's misses, of the layer {@code access} was last
     * looked up for (the policy sees every slot that lookup needed). {@code bundles[i]} holds the full bytes of {@code slots[i]} (its
     * first {@code bundleBytes(layer)} bytes are taken); a null entry is skipped. Slots already
     * resident are ignored. The policy decides which to admit and what to evict.
     *
     * @throws IllegalArgumentException if a bundle is shorter than {@code bundleBytes(layer)}
     * @throws IllegalStateException    if {@code access} was never filled by a lookup
     */
    public void admit(CacheAccess access, int[] slots, int count, MemorySegment[] bundles) {
        if (bundles == null) {
            throw new IllegalArgumentException("bundles is null");
        }
        engine.admit(access, slots, count, bundles, null);
    }

    /**
     * As {@link #admit(CacheAccess, int[], int, MemorySegment[])}, bundle i starting at {@code
     * offsets[i]} in {@code bundles[i]}: for a caller whose bundles lie in one read buffer, which
     * then makes no slice per bundle (a decode step reads hundreds to thousands of bundles).
     *
     * @throws IllegalArgumentException if a bundle holds fewer than {@code bundleBytes(layer)} bytes
     *     from its offset, or {@code offsets} has fewer than {@code count} entries
     * @throws IllegalStateException    if {@code access} was never filled by a lookup
     */
    public void admit(CacheAccess access, int[] slots, int count, MemorySegment[] bundles, long[] offsets) {
        if (bundles == null || offsets == null) {
            throw new IllegalArgumentException("bundles and offsets must not be null");
        }
        engine.admit(access, slots, count, bundles, offsets);
    }

    public int bundleBytes(int layer) {
        return engine.bundleBytes(layer);
    }

    public int layers() {
        return engine.layers();
    }

    /** Off-heap bytes allocated for chunks, resident or free (equals at most the budget with one bundle size). */
    public long allocatedBytes() {
        return engine.allocatedBytes();
    }

    /** Frees the off-heap memory; later lookups and admissions throw {@link IllegalStateException}. Idempotent. */
    @Override
    public void close() {
        engine.close();
    }

    @Override
    public String toString() {
        return "BundleCache[" + policyName() + ", budget " + budgetBytes() + " B, resident " + residentBytes() + " B]";
    }
}
