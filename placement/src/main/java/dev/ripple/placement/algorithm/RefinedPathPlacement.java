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

    /**
     * One layer's order with how its search went (for reports). Returned with the order rather
     * than kept in the algorithm, which places several layers at once from one instance.
     *
     * <p>A record for its accessors and {@code toString}; its {@code equals} and {@code hashCode}
     * compare {@code order} by identity, as records do arrays, so two searches with equal orders
     * are not equal: compare {@code order()} with {@link java.util.Arrays#equals(int[], int[])}.
     *
     * @param order    {@code slot -> neuron}, as {@link #order} returns it
     * @param sweeps   local-search passes over all neurons
     * @param moves    moves applied, kicks not counted
     * @param gain     objective gained by the sweeps and the kicks together
     * @param kickGain of which by the kicks
     * @param timedOut whether the wall-clock safety stop ended the search, so that the order
     *                 depends on the machine's speed
     */
    public record Search(int[] order, int sweeps, long moves, long gain, long kickGain, boolean timedOut) {
        /** {@code sweeps=3 moves=120 gain=456 (kicks 7)}, and whether the time limit was reached. */
        public String summary() {
            return "sweeps=" + sweeps + " moves=" + moves + " gain=" + gain + " (kicks " + kickGain + ")"
                    + (timedOut ? " (time limit reached)" : "");
        }
    }

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

    /** Its name and options, as in a request's list of algorithms. */
    @Override
    public String toString() {
        return name() + " " + options;
    }

    public RefinedPathOptions options() {
        return options;
    }

    /** {@link #scratchBytes(int, int, RefinedPathOptions)} at this instance's options. */
    @Override
    public long scratchBytes(int neurons, int tokens) {
        return scratchBytes(neurons, tokens, options);
    }

    /**
     * Peak heap bytes of {@link #search} for {@code neurons} neurons: the greedy's
     * ({@link GreedyChains#scratchBytes}, whose 8 MiB of band keys exceed MiniLM's whole triangle),
     * then per neuron the partner lists as they are selected, sorted and packed (three arrays of
     * {@code candidates} entries per selector, two sorted copies, the packed ids and counts: at most
     * {@code 40 x candidates + 160} bytes), the linker's and the local search's arrays (about ten
     * ints, flags or longs, the search's cut weights among them: 128 bytes) and the fallback
     * order's chain keys (64 bytes). The greedy's band keys are freed before the lists are built,
     * but are added rather than compared: a bound.
     */
    static long scratchBytes(int neurons, int tokens, RefinedPathOptions options) {
        long perNeuron = 40L * options.candidates() + 160 + 128 + 64;
        return GreedyChains.scratchBytes(neurons, tokens) + perNeuron * neurons + 4096;
    }

    @Override
    public int[] order(LayerStats stats) {
        return search(stats).order();
    }

    /** The order {@link #order} returns, with the search's sweeps, moves and gain. */
    public Search search(LayerStats stats) {
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
        return new Search(
                Permutations.requirePermutation(name(), order, stats.neurons()),
                r.sweeps(),
                r.moves(),
                r.gain() + kicked,
                kicked,
                r.timedOut() || System.nanoTime() > deadline);
    }
}
