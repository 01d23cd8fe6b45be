package dev.ripple.placement.algorithm;

import java.time.Duration;
import java.util.Arrays;

/**
 * Settings of {@code ripple+}.
 *
 * @param distanceWeights weight of a co-active pair at slot distance 1, 2, ... (integers, so the
 *                        search is exact and deterministic); {@code {4, 1}} values adjacency
 *                        four times a pair one slot apart, which a gap-1 collapse still reads in
 *                        one operation
 * @param candidates      best partners per neuron (by excess co-activation) tried as move targets
 * @param maxSweeps       passes over all neurons (the result is deterministic under this bound)
 * @param timeLimit       safety stop; if it ends the search early the result depends on speed,
 *                        so it is set far above what the sweeps take on the target sizes
 */
public record RefinedPathOptions(int[] distanceWeights, int candidates, int maxSweeps, Duration timeLimit) {
    public RefinedPathOptions {
        if (distanceWeights.length == 0 || distanceWeights[0] <= 0 || candidates < 1 || maxSweeps < 0) {
            throw new IllegalArgumentException("invalid ripple+ options: weights " + Arrays.toString(distanceWeights)
                    + ", " + candidates + " candidates, " + maxSweeps + " sweeps");
        }
        distanceWeights = distanceWeights.clone();
    }

    @Override
    public int[] distanceWeights() {
        return distanceWeights.clone();
    }

    public static RefinedPathOptions defaults() {
        return new RefinedPathOptions(new int[] {4, 1}, 16, 20, Duration.ofSeconds(40));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RefinedPathOptions r && Arrays.equals(distanceWeights, r.distanceWeights)
                && candidates == r.candidates && maxSweeps == r.maxSweeps && timeLimit.equals(r.timeLimit);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(distanceWeights) * 31 + java.util.Objects.hash(candidates, maxSweeps, timeLimit);
    }

    @Override
    public String toString() {
        return "RefinedPathOptions[distanceWeights=" + Arrays.toString(distanceWeights) + ", candidates=" + candidates
                + ", maxSweeps=" + maxSweeps + ", timeLimit=" + timeLimit + "]";
    }
}
