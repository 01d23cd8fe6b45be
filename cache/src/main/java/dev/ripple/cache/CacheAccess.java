package dev.ripple.cache;

import java.util.Arrays;

/**
 * What one {@link BundleCache#lookup} saw, handed to the {@link BundleCache#admit} that follows it:
 * the layer, every slot the token needed (hits too) and how the caller's planned reads group them. A
 * read-aware policy ("linking") decides admissions by the whole needed set, not only by the misses
 * offered. The caller owns it and reuses it from token to token, so nothing is allocated per lookup
 * once its arrays have grown; one per thread (the runtime keeps one in its per-thread scratch).
 *
 * <pre>{@code
 * CacheAccess access = new CacheAccess();
 * cache.lookup(access, layer, slots, readOf, n, out, hit);   // records the access
 * // ... read the misses ...
 * cache.admit(access, missSlots, misses, bundles);          // admits by what lookup saw
 * }</pre>
 */
public final class CacheAccess {
    private int layer = -1;
    private int[] needed = new int[0];
    private int[] readOf = new int[0];
    private int count;

    /** The layer of the last lookup, -1 before the first. */
    public int layer() {
        return layer;
    }

    int[] needed() {
        return needed;
    }

    int[] readOf() {
        return readOf;
    }

    int count() {
        return count;
    }

    /** The array {@code readOf} fills for {@code n} slots (grown when needed, kept otherwise). */
    int[] readsFor(int n) {
        if (readOf.length < n) {
            readOf = new int[Math.max(n, readOf.length * 2)];
        }
        return readOf;
    }

    /** Remembers the needed slots of {@code layer}; their reads must be in {@link #readsFor} already. */
    void record(int layer, int[] slots, int n) {
        if (needed.length < n) {
            needed = Arrays.copyOf(needed, Math.max(n, needed.length * 2));
        }
        System.arraycopy(slots, 0, needed, 0, n);
        this.layer = layer;
        this.count = n;
    }
}
