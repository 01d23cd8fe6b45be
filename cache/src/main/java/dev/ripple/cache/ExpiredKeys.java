package dev.ripple.cache;

import org.eclipse.collections.impl.list.mutable.primitive.LongArrayList;

/**
 * Keys a policy has dropped on its own and not yet handed to the cache: filled while recording or
 * evicting, drained one by one through {@link CachePolicy#pollExpired}.
 */
final class ExpiredKeys {
    private final LongArrayList keys = new LongArrayList();
    private int read;

    void add(long key) {
        keys.add(key);
    }

    /** The next key in the order added, or {@link CachePolicy#NO_KEY} once all are drained. */
    long poll() {
        if (read < keys.size()) {
            return keys.get(read++);
        }
        if (read > 0) {
            keys.clear();
            read = 0;
        }
        return CachePolicy.NO_KEY;
    }
}
