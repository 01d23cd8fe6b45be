package dev.ripple.placement.algorithm;

import dev.ripple.placement.stats.LayerStats;
import dev.ripple.placement.stats.NeighbourLists;
import java.util.List;

/**
 * {@code ripple+}: ours. Starts from the same greedy chains as {@code ripple}, links them by
 * junction affinity ({@link ChainLinker}), then improves the whole path by 2-opt / or-opt local
 * search ({@link PathLocalSearch}) on a distance-weighted objective: adjacent co-active pairs
 * count most (they remove a read outright, by the runs identity), pairs a few slots apart count
 * less (a collapse of that gap reads them in one operation for a few extra bytes).
 *
 * <p>Why it generalises: the greedy commits to each pair for good, so a strong pair taken early
 * can strand both of its neurons' other partners; local search undoes such commitments wherever
 * the calibration counts say so. Joint counts are unbiased estimates of held-out co-activation,
 * and moves only follow a neuron's best partners (high counts, well estimated), so the gain
 * carries over to held-out tokens; the tests check it on a held-out split.
 */
public final class RefinedPathPlacement implements PlacementAlgorithm {
    private final RefinedPathOptions options;
    private volatile PathLocalSearch.Result lastResult;
    private volatile long lastKickGain;

    public RefinedPathPlacement(RefinedPathOptions options) {
        this.options = options;
    }

    public RefinedPathPlacement() {
        this(RefinedPathOptions.defaults());
    }

    @Override
    public String name() {
        return "ripple+";
    }

    public RefinedPathOptions options() {
        return options;
    }

    @Override
    public int[] order(LayerStats stats) {
        long deadline = System.nanoTime() + options.timeLimit().toNanos();
        int[] weights = options.distanceWeights();
        List<int[]> chains = GreedyChains.build(stats);
        NeighbourLists partners = stats.neighbours(options.candidates());
        int[] order = ChainLinker.link(chains, stats, partners, weights);
        PathLocalSearch search = new PathLocalSearch(stats, partners, weights);
        PathLocalSearch.Result r = search.run(order, options.maxSweeps(), deadline);
        long kicked = search.perturb(
                (int) Math.round(options.kicksPerNeuron() * order.length),
                options.kickSegment(),
                options.seed(),
                deadline);
        lastResult = new PathLocalSearch.Result(
                r.sweeps(), r.moves(), r.gain() + kicked, r.timedOut() || System.nanoTime() > deadline);
        lastKickGain = kicked;
        return Permutations.requirePermutation(name(), order, stats.neurons());
    }

    /** Sweeps, moves and gain of the most recent {@link #order} call (for reports), or null. */
    public String lastSearchSummary() {
        PathLocalSearch.Result r = lastResult;
        return r == null
                ? null
                : "sweeps=" + r.sweeps() + " moves=" + r.moves() + " gain=" + r.gain()
                        + " (kicks " + lastKickGain + ")"
                        + (r.timedOut() ? " (time limit reached)" : "");
    }
}
