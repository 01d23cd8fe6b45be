package dev.ripple.bench.harness;

import dev.ripple.cache.CacheSettings;

/**
 * The settings each cache policy runs with when policies are compared on one file: "lfu" seeded
 * with the calibration counts of the file's slots (PowerInfer's offline hot set), "window" over
 * {@code windowTokens} tokens (LLM in a flash's window), "linking" over {@code linkingInner}, whose
 * "lfu" is seeded with the read shares of the same calibration tokens ({@link ReadShares}); the
 * others with their defaults.
 *
 * @param slotCounts   per layer and slot, calibration activation counts in the file's slot order ({@link SlotCounts})
 * @param readShares   per layer and slot, each slot's share of the planned reads it was in; needed when
 *                     {@code linkingInner} is "lfu", else may be null
 * @param linkingInner the eviction policy under "linking"
 * @param windowTokens k of "window"
 */
public record ComparedPolicies(long[][] slotCounts, double[][] readShares, String linkingInner, int windowTokens) {

    public ComparedPolicies {
        if (linkingInner.equals("lfu") && readShares == null) {
            throw new IllegalArgumentException("linking over lfu is seeded with read shares: give them");
        }
    }

    /** The settings of the policy named {@code name}. */
    public CacheSettings settings(String name) {
        return switch (name) {
            case "lfu" -> CacheSettings.Lfu.seeded(slotCounts);
            case "window" -> new CacheSettings.Window(windowTokens);
            case "linking" ->
                CacheSettings.Linking.over(
                        switch (linkingInner) {
                            case "lfu" -> new CacheSettings.Lfu(readShares);
                            case "window" -> new CacheSettings.Window(windowTokens);
                            default -> CacheSettings.defaults(linkingInner);
                        });
            default -> CacheSettings.defaults(name);
        };
    }
}
