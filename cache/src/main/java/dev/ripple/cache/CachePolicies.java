package dev.ripple.cache;

import java.util.List;

/** The registry of policies by name. Each call makes a new instance, which belongs to one cache. */
public final class CachePolicies {
    private static final List<String> NAMES = List.of("none", "lru", "s3fifo", "lfu", "window", "linking");

    private CachePolicies() {}

    /** @throws IllegalArgumentException for an unknown name (the message lists the known ones) */
    public static CachePolicy create(String name, PolicyOptions options) {
        PolicyOptions o = options == null ? PolicyOptions.defaults() : options;
        return switch (name) {
            case "none" -> new NonePolicy();
            case "lru" -> new LruPolicy();
            case "s3fifo" -> new S3FifoPolicy(o.s3fifoSmallRatio());
            case "lfu" -> new LfuPolicy(o.slotFrequencies());
            case "window" -> new WindowPolicy(o.windowTokens());
            case "linking" -> new LinkingPolicy(create(o.linkingInner(), o), o.linkingLongRun(),
                    o.linkingLongRunAdmitProbability(), o.seed());
            case null -> throw new IllegalArgumentException("policy name is null; known: " + NAMES);
            default -> throw new IllegalArgumentException("unknown cache policy '" + name + "'; known: " + NAMES);
        };
    }

    public static CachePolicy create(String name) {
        return create(name, PolicyOptions.defaults());
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
        return NAMES;
    }
}
