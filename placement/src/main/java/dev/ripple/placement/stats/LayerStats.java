package dev.ripple.placement.stats;

import java.util.function.IntPredicate;

/**
 * Co-activation statistics of one FFN layer over a calibration trace: how often each neuron fired
 * ({@code f(i)}) and how often two neurons fired in the same token ({@code f(i,j)}). These are the
 * only input placement needs, because the reads a token costs in a given order are
 * {@code |S_t| - #adjacent active pairs}, so the calibration total is
 * {@code sum f(i) - sum over adjacent slots of f(i,j)} (docs/PLACEMENT.md, "Why the objective is pairwise").
 *
 * <p>Two representations exist: {@link DenseLayerStats} holds every pair exactly (packed upper
 * triangle), {@link TopKLayerStats} holds each neuron's K best partners when the triangle
 * would not fit the memory budget. {@link CoActivationCounter} picks one.
 *
 * <pre>{@code
 * LayerStats stats = new CoActivationCounter().count(trace, 0);
 * int[] order = PlacementAlgorithms.byName("ripple").order(stats);
 * }</pre>
 */
public abstract sealed class LayerStats permits DenseLayerStats, TopKLayerStats {
    private final long tokens;
    private final int[] counts;

    /** @param counts {@code f(i)} by neuron, exact in both representations */
    LayerStats(long tokens, int[] counts) {
        this.tokens = tokens;
        this.counts = counts;
    }

    /** Number of neurons in the layer; ids are {@code 0..neurons()-1} in original order. */
    public final int neurons() {
        return counts.length;
    }

    /** Number of tokens the counts were taken over. */
    public final long tokens() {
        return tokens;
    }

    /** {@code f(i)}: tokens in which neuron {@code i} fired. */
    public final int count(int i) {
        return counts[i];
    }

    /**
     * {@code f(i,j)}: tokens in which both fired; symmetric, 0 for {@code i == j}. For inexact
     * statistics a pair that is not stored reads as 0.
     */
    public final int joint(int i, int j) {
        return i == j ? 0 : pairJoint(i, j);
    }

    /** {@link #joint} of two different neurons. */
    abstract int pairJoint(int i, int j);

    /** Whether every pair is stored exactly (false for top-K neighbour lists). */
    public abstract boolean exact();

    /** The largest stored joint count (0 if none). */
    public abstract int maxJoint();

    /**
     * Visits every stored pair {@code i < j} with {@code f(i,j) > 0} exactly once, in ascending
     * {@code (i, j)} order, skipping rows {@code i} for which {@code rowFilter} is false (the
     * caller must still check {@code j}). Deterministic.
     */
    public abstract void forEachPair(IntPredicate rowFilter, PairVisitor visitor);

    /**
     * Each neuron's up to {@code m} partners of highest excess co-activation
     * {@code f(i,j)·T − f(i)·f(j) > 0}, best first, ties by smaller id, with their exact joint
     * counts: the candidate lists of local search (see {@link NeighbourLists} for why not the raw
     * count).
     */
    public abstract NeighbourLists neighbours(int m);
}
