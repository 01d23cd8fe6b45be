package dev.ripple.placement.algorithm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.placement.eval.LayerEvaluation;
import dev.ripple.placement.eval.PlacementEvaluator;
import dev.ripple.placement.stats.CoActivationCounter;
import dev.ripple.placement.stats.CountingOptions;
import dev.ripple.placement.stats.LayerStats;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

/** The greedy path recovers planted groups hidden behind shuffled ids. */
class GreedyPathPlacementTest {
    static final int GROUPS = 40;
    static final int SIZE = 12;
    static final int N = GROUPS * SIZE;

    /** Planted: group g holds neurons perm[g*SIZE .. g*SIZE+SIZE); the optimum lays groups out contiguously. */
    record Planted(int[] perm, List<RoaringBitmap> tokens) {
        int[] plantedOrder() {
            return perm.clone();
        }
    }

    static Planted planted(long seed, int tokens, double dropout) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] perm = Permutations.random(N, rnd::nextInt);
        List<RoaringBitmap> sets = new ArrayList<>();
        for (int t = 0; t < tokens; t++) {
            RoaringBitmap b = new RoaringBitmap();
            for (int g = 0; g < GROUPS; g++) {
                if (rnd.nextDouble() < 0.1) {
                    for (int k = 0; k < SIZE; k++) {
                        if (rnd.nextDouble() >= dropout) {
                            b.add(perm[g * SIZE + k]);
                        }
                    }
                }
            }
            sets.add(b);
        }
        return new Planted(perm, sets);
    }

    @Test
    void recoversExactGroupsToTheOptimum() {
        Planted p = planted(1, 3000, 0);
        LayerStats stats = new CoActivationCounter().count(p.tokens(), N);
        PlacementEvaluator ev = new PlacementEvaluator(0);
        LayerEvaluation greedy = ev.evaluateLayer(0, p.tokens(), N, new GreedyPathPlacement().order(stats));
        LayerEvaluation optimum = ev.evaluateLayer(0, p.tokens(), N, p.plantedOrder());
        LayerEvaluation identity = ev.evaluateLayer(0, p.tokens(), N, new IdentityPlacement().order(stats));
        // every group contiguous: one read per active group (adjacent groups may even merge)
        assertTrue(
                greedy.readsPerToken() <= optimum.readsPerToken() * 1.02,
                "greedy " + greedy.readsPerToken() + " vs planted " + optimum.readsPerToken());
        assertTrue(identity.readsPerToken() > 5 * optimum.readsPerToken());
    }

    @Test
    void staysCloseToTheOptimumWithDropoutAndTopKStatistics() {
        Planted p = planted(2, 4000, 0.2);
        for (CountingOptions opts : List.of(
                CountingOptions.defaults(),
                CountingOptions.defaults().withMaxDenseBytes(0).withTopK(SIZE))) {
            LayerStats stats = new CoActivationCounter(opts).count(p.tokens(), N);
            PlacementEvaluator ev = new PlacementEvaluator(0);
            double greedy = ev.evaluateLayer(0, p.tokens(), N, new GreedyPathPlacement().order(stats))
                    .readsPerToken();
            double optimum =
                    ev.evaluateLayer(0, p.tokens(), N, p.plantedOrder()).readsPerToken();
            assertTrue(
                    greedy <= optimum * 1.10,
                    "exact=" + stats.exact() + ": greedy " + greedy + " vs planted " + optimum);
        }
    }

    @Test
    void calibrationReadsFollowTheRunsIdentity() {
        Planted p = planted(3, 500, 0.3);
        LayerStats stats = new CoActivationCounter().count(p.tokens(), N);
        for (PlacementAlgorithm a :
                List.of(new IdentityPlacement(), new GreedyPathPlacement(), new RefinedPathPlacement())) {
            int[] order = a.order(stats);
            double measured = new PlacementEvaluator(0)
                    .evaluateLayer(0, p.tokens(), N, order)
                    .readsPerToken();
            assertEquals(PathObjective.calibrationReads(order, stats) / 500.0, measured, 1e-9, a.name());
        }
    }

    @Test
    void neverJoinsACycleAndJoinsOnlyCoActivePairs() {
        // a triangle of neurons always co-active: the greedy must produce a path 0-1-2 (2 joins), not a cycle
        List<RoaringBitmap> sets =
                List.of(RoaringBitmap.bitmapOf(0, 1, 2), RoaringBitmap.bitmapOf(0, 1, 2), RoaringBitmap.bitmapOf(3));
        List<int[]> chains = GreedyChains.build(new CoActivationCounter().count(sets, 4));
        assertEquals(2, chains.size());
        assertEquals(3, chains.get(0).length);
        assertEquals(1, chains.get(1).length);
    }

    /**
     * Bands of a few pairs join exactly what one sort of all pairs does, including a weight tied
     * by far more pairs than a band holds (neurons active on every token), which is taken in
     * slices in the tie order.
     */
    @Test
    void smallBandsAndTiedSlicesJoinWhatOneSortDoes() {
        Planted p = planted(4, 600, 0.3);
        List<RoaringBitmap> tied = new ArrayList<>(p.tokens());
        RoaringBitmap always = new RoaringBitmap();
        always.add(0L, 60L); // neurons 0..59 on every token: 1,770 pairs share the top weight
        for (int t = 0; t < tied.size(); t++) {
            tied.set(t, RoaringBitmap.or(tied.get(t), always));
        }
        for (List<RoaringBitmap> tokens : List.of(p.tokens(), tied)) {
            for (CountingOptions opts : List.of(
                    CountingOptions.defaults(),
                    CountingOptions.defaults().withMaxDenseBytes(0).withTopK(SIZE))) {
                LayerStats stats = new CoActivationCounter(opts).count(tokens, N);
                List<int[]> oneSort = GreedyChains.build(stats, Integer.MAX_VALUE - 8);
                for (int budget : new int[] {1, 7, 100}) {
                    List<int[]> banded = GreedyChains.build(stats, budget);
                    assertEquals(oneSort.size(), banded.size(), "budget " + budget);
                    for (int c = 0; c < oneSort.size(); c++) {
                        assertArrayEquals(oneSort.get(c), banded.get(c), "budget " + budget + ", chain " + c);
                    }
                }
            }
        }
    }
}
