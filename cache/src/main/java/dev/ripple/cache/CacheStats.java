package dev.ripple.cache;

/**
 * Counters of a cache or simulator. {@code lookups} counts token-layer lookups; hits and misses
 * count bundles; admissions, rejections and evictions count bundles too.
 */
public record CacheStats(
        long lookups,
        long hits,
        long misses,
        long hitBytes,
        long missBytes,
        long admissions,
        long rejectedAdmissions,
        long evictions,
        long residentBytes,
        long peakResidentBytes) {

    /** Hits over looked-up bundles, 0 when nothing was looked up. */
    public double hitRate() {
        long total = hits + misses;
        return total == 0 ? 0.0 : (double) hits / total;
    }
}
