package dev.ripple.placement.algorithm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.placement.stats.CoActivationCounter;
import dev.ripple.placement.stats.LayerStats;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntToDoubleFunction;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

/** The O(D^2) gain of every move equals the change of the objective recomputed in full. */
class PathMoveTest {

    @Test
    void incrementalGainEqualsFullRecomputation() {
        for (long seed = 1; seed <= 30; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            int n = 2 + rnd.nextInt(40);
            List<RoaringBitmap> sets = randomSets(rnd, 60, n, () -> i -> 0.3);
            LayerStats stats = new CoActivationCounter().count(sets, n);
            int[] weights = rnd.nextBoolean() ? new int[] {4, 1} : new int[] {8, 3, 1};
            int[] order = new IdentityPlacement().order(stats);
            PathLocalSearch search = new PathLocalSearch(stats, stats.neighbours(3), weights);
            search.run(order.clone(), 0, Long.MAX_VALUE); // binds the order
            for (int trial = 0; trial < 200; trial++) {
                PathMove m = randomMove(rnd, n);
                if (m == null) {
                    continue;
                }
                PathLocalSearch s = new PathLocalSearch(stats, stats.neighbours(3), weights);
                int[] before = order.clone();
                s.run(before, 0, Long.MAX_VALUE);
                long gain = s.gain(m);
                int[] after = before.clone();
                int[] slotOf = Permutations.inverse(after);
                m.apply(after, slotOf, new int[n]);
                assertTrue(Permutations.isPermutation(after, n));
                assertEquals(
                        PathObjective.windowWeight(after, stats, weights)
                                - PathObjective.windowWeight(before, stats, weights),
                        gain,
                        "seed " + seed + " move " + describe(m) + " on " + Arrays.toString(before));
                for (int q = 0; q < n; q++) {
                    int old = m.inverse().newSlot(q); // the inverse takes new slot q's content back
                    assertEquals(before[old], after[q]);
                    assertEquals(q, m.newSlot(old));
                }
                order = after;
            }
        }
    }

    @Test
    void searchAndKicksReportExactlyTheObjectiveTheyGain() {
        for (long seed = 1; seed <= 10; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            int n = 10 + rnd.nextInt(150);
            // each token favours one of five interleaved groups
            List<RoaringBitmap> sets = randomSets(rnd, 80, n, () -> {
                int group = rnd.nextInt(5);
                return i -> i % 5 == group ? 0.6 : 0.05;
            });
            LayerStats stats = new CoActivationCounter().count(sets, n);
            int[] weights = {4, 1};
            int[] order = new IdentityPlacement().order(stats);
            long before = PathObjective.windowWeight(order, stats, weights);
            PathLocalSearch s = new PathLocalSearch(stats, stats.neighbours(8), weights);
            PathLocalSearch.Result r = s.run(order, 20, Long.MAX_VALUE);
            long afterSearch = PathObjective.windowWeight(order, stats, weights);
            assertEquals(before + r.gain(), afterSearch, "seed " + seed);
            long kicked = s.perturb(n, 6, seed, Long.MAX_VALUE);
            assertTrue(kicked >= 0);
            assertTrue(Permutations.isPermutation(order, n), "seed " + seed);
            assertEquals(afterSearch + kicked, PathObjective.windowWeight(order, stats, weights), "seed " + seed);
        }
    }

    private static PathMove randomMove(SplittableRandom rnd, int n) {
        int a = rnd.nextInt(n);
        int b = Math.min(n - 1, a + rnd.nextInt(4));
        if (rnd.nextInt(3) == 0) {
            return new PathMove().reverse(Math.min(a, b), Math.max(a, b));
        }
        int c = rnd.nextInt(n + 1) - 1;
        if (!(c > b || c < a - 1)) {
            return null;
        }
        return new PathMove().move(a, b, c, rnd.nextBoolean());
    }

    private static String describe(PathMove m) {
        return "[a=" + m.a + " b=" + m.b + " c=" + m.c + " rev=" + m.reversed + " kind=" + m.kind + "]";
    }

    /** Active sets of {@code tokens} tokens: each token asks {@code token} for its neurons' probabilities. */
    private static List<RoaringBitmap> randomSets(
            SplittableRandom rnd, int tokens, int n, Supplier<IntToDoubleFunction> token) {
        List<RoaringBitmap> sets = new ArrayList<>();
        for (int t = 0; t < tokens; t++) {
            IntToDoubleFunction p = token.get();
            RoaringBitmap b = new RoaringBitmap();
            for (int i = 0; i < n; i++) {
                if (rnd.nextDouble() < p.applyAsDouble(i)) {
                    b.add(i);
                }
            }
            sets.add(b);
        }
        return sets;
    }
}
