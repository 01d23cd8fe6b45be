package dev.ripple.cache;

import java.util.Arrays;

/**
 * Replays access sets without bytes: the same policy classes and the same engine (budget
 * arithmetic, admission loop) as {@link BundleCache}, with a store that holds nothing. Used to
 * sweep policies and budgets over activation traces. Not thread-safe by contract (one replay).
 */
public final class CacheSimulator extends CacheReadouts {
    private boolean[] hit = new boolean[64];
    private final CacheAccess access = new CacheAccess();

    public CacheSimulator(long budgetBytes, int[] bundleBytesPerLayer, CachePolicy policy) {
        super(new CacheEngine(budgetBytes, bundleBytesPerLayer, policy, false));
    }

    /**
     * Returns the misses of this token-layer (ascending slots) after recording the access and
     * admitting all misses per policy.
     */
    public int[] access(int layer, int[] slots, int count) {
        return access(layer, slots, null, count);
    }

    /**
     * Like {@link #access(int, int[], int)} with the caller's planned reads: {@code readOf[i]} is
     * the read of {@code slots[i]} (see {@link BundleCache#lookup(CacheAccess, int, int[], int[], int,
     * java.lang.foreign.MemorySegment, boolean[])}; {@link Runs#readGroups} makes it for a slot gap).
     * Returns the misses; the reads they cost are counted in {@link #readsIssued()}.
     */
    public int[] access(int layer, int[] slots, int[] readOf, int count) {
        if (hit.length < count) {
            hit = new boolean[Math.max(count, hit.length * 2)];
        }
        engine.lookup(access, layer, slots, readOf, count, null, hit);
        int[] missed = new int[count];
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (!hit[i]) {
                missed[n++] = slots[i];
            }
        }
        missed = Arrays.copyOf(missed, n);
        engine.admit(access, missed, n, null, null);
        return missed;
    }
}
