package dev.ripple.cache;

/**
 * What {@link BundleCache} and {@link CacheSimulator} both report: each is a front to one {@link
 * CacheEngine}, so the counters and the resident set are read from it in one place.
 */
abstract class CacheReadouts {
    final CacheEngine engine;

    CacheReadouts(CacheEngine engine) {
        this.engine = engine;
    }

    public long budgetBytes() {
        return engine.budgetBytes();
    }

    /** Bytes of resident bundles; never more than {@link #budgetBytes()}. */
    public long residentBytes() {
        return engine.residentBytes();
    }

    /**
     * Read operations the misses of all lookups so far cost without collapse: the sum over
     * token-layers of {@link Runs#count} of the missed slots (a slot next to a hit starts a new run).
     */
    public long missRuns() {
        return engine.missRuns();
    }

    /**
     * Planned reads holding a miss so far: over all lookups, the reads (per the {@code readOf} grouping
     * given to the lookup, else contiguous runs) that hold at least one miss, what the misses cost a
     * caller that issues those reads whole, as the flash runtime does with a fixed gap. With a
     * device's cost model it reads the misses alone: as many reads when nothing hit, never fewer.
     */
    public long readsIssued() {
        return engine.readsIssued();
    }

    /** Resident slots of a layer, ascending. */
    public int[] residentSlots(int layer) {
        return engine.residentSlots(layer);
    }

    public CacheStats stats() {
        return engine.stats();
    }

    public String policyName() {
        return engine.policyName();
    }

    /** The policy instance (tests). */
    CachePolicy policy() {
        return engine.policy();
    }
}
