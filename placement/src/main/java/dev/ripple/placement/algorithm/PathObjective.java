package dev.ripple.placement.algorithm;

import dev.ripple.placement.stats.LayerStats;

/**
 * Scores of an order against co-activation statistics. {@link #adjacentWeight} is the quantity
 * the identity {@code runs(t) = |S_t| - #adjacent active pairs} makes exact: the calibration
 * reads of an order are {@code sum f(i) - adjacentWeight}.
 */
public final class PathObjective {
    private PathObjective() {}

    /** {@code sum over slots k of f(order[k], order[k+1])}. */
    public static long adjacentWeight(int[] order, LayerStats stats) {
        long sum = 0;
        for (int k = 0; k + 1 < order.length; k++) {
            sum += stats.joint(order[k], order[k + 1]);
        }
        return sum;
    }

    /**
     * {@code sum over d of weights[d-1] * sum over k of f(order[k], order[k+d])}: adjacency plus
     * lower-weighted pairs within a collapse gap.
     */
    public static long windowWeight(int[] order, LayerStats stats, int[] weights) {
        long sum = 0;
        for (int d = 1; d <= weights.length; d++) {
            long s = 0;
            for (int k = 0; k + d < order.length; k++) {
                s += stats.joint(order[k], order[k + d]);
            }
            sum += weights[d - 1] * s;
        }
        return sum;
    }

    /** Calibration reads implied by the identity: {@code sum f(i) - adjacentWeight}. */
    public static long calibrationReads(int[] order, LayerStats stats) {
        long active = 0;
        for (int i = 0; i < stats.neurons(); i++) {
            active += stats.count(i);
        }
        return active - adjacentWeight(order, stats);
    }
}
