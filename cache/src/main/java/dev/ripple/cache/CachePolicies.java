package dev.ripple.cache;

import java.util.List;

/** Policies by name with their default settings ({@link CacheSettings} for others). Each call makes a new instance, which belongs to one cache. */
public final class CachePolicies {

    private CachePolicies() {}

    /** @throws IllegalArgumentException for an unknown name (the message lists the known ones) */
    public static CachePolicy create(String name) {
        return CacheSettings.defaults(name).newPolicy();
    }

    /**
     * Belady's clairvoyant policy over a known access sequence (access a is layer
     * {@code accessLayers[a]} with ascending slots {@code accessSlots[a]}): the hit-rate upper bound
     * for replays in {@link CacheSimulator}, which must replay exactly this sequence. Not in
     * {@link #names()}, since it cannot be made from a name.
     */
    public static CachePolicy clairvoyant(int[] accessLayers, int[][] accessSlots) {
        return new ClairvoyantPolicy(accessLayers, accessSlots);
    }

    public static List<String> names() {
        return CacheSettings.names();
    }
}
