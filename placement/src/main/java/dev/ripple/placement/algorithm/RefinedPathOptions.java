package dev.ripple.placement.algorithm;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

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
 * @param kicksPerNeuron  iterated local search after the sweeps: random local double-bridge
 *                        kicks per neuron (0 = none)
 * @param kickSegment     longest segment a kick swaps
 * @param seed            seed of the kicks; the only randomness, so the order is a function of
 *                        the statistics and this seed
 */
public record RefinedPathOptions(
        int[] distanceWeights,
        int candidates,
        int maxSweeps,
        Duration timeLimit,
        double kicksPerNeuron,
        int kickSegment,
        long seed) {
    public RefinedPathOptions {
        if (distanceWeights.length == 0
                || distanceWeights[0] <= 0
                || candidates < 1
                || maxSweeps < 0
                || kicksPerNeuron < 0
                || kickSegment < 1) {
            throw new IllegalArgumentException("invalid ripple+ options: weights " + Arrays.toString(distanceWeights)
                    + ", " + candidates + " candidates, " + maxSweeps + " sweeps, " + kicksPerNeuron
                    + " kicks per neuron, kick segment " + kickSegment);
        }
        distanceWeights = distanceWeights.clone();
    }

    @Override
    public int[] distanceWeights() {
        return distanceWeights.clone();
    }

    /**
     * Weights {4, 1}, 16 candidates, up to 20 sweeps, 40 s safety stop, 0.05 kicks per neuron of
     * up to 20-neuron segments, seed 42: 5-12 s for 16,384 neurons on 2 cores (docs/PLACEMENT.md).
     */
    public static RefinedPathOptions defaults() {
        return new RefinedPathOptions(new int[] {4, 1}, 16, 20, Duration.ofSeconds(40), 0.05, 20, 42);
    }

    public RefinedPathOptions withSearch(int[] weights, int candidateCount, int sweeps) {
        return new RefinedPathOptions(weights, candidateCount, sweeps, timeLimit, kicksPerNeuron, kickSegment, seed);
    }

    public RefinedPathOptions withKicks(double perNeuron, int segment, long kickSeed) {
        return new RefinedPathOptions(distanceWeights, candidates, maxSweeps, timeLimit, perNeuron, segment, kickSeed);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RefinedPathOptions r
                && Arrays.equals(distanceWeights, r.distanceWeights)
                && candidates == r.candidates
                && maxSweeps == r.maxSweeps
                && timeLimit.equals(r.timeLimit)
                && Double.compare(kicksPerNeuron, r.kicksPerNeuron) == 0
                && kickSegment == r.kickSegment
                && seed == r.seed;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(distanceWeights) * 31
                + Objects.hash(candidates, maxSweeps, timeLimit, kicksPerNeuron, kickSegment, seed);
    }

    @Override
    public String toString() {
        return "RefinedPathOptions[distanceWeights=" + Arrays.toString(distanceWeights) + ", candidates=" + candidates
                + ", maxSweeps=" + maxSweeps + ", timeLimit=" + timeLimit + ", kicksPerNeuron=" + kicksPerNeuron
                + ", kickSegment=" + kickSegment + ", seed=" + seed + "]";
    }
}
