package dev.ripple.placement.algorithm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.placement.eval.SyntheticTraces;
import dev.ripple.placement.stats.CoActivationCounter;
import dev.ripple.placement.stats.CountingOptions;
import dev.ripple.placement.stats.LayerStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

/** What every placement algorithm promises; each implementation adds a three-line subclass. */
abstract class PlacementAlgorithmContractTest {

    abstract PlacementAlgorithm algorithm();

    @Test
    void alwaysReturnsAValidPermutationOnRandomTraces() {
        for (long seed = 1; seed <= 40; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            int n = 1 + rnd.nextInt(300);
            int tokens = rnd.nextInt(200);
            double p = rnd.nextDouble() * 0.3;
            List<RoaringBitmap> sets = new ArrayList<>();
            for (int t = 0; t < tokens; t++) {
                RoaringBitmap b = new RoaringBitmap();
                for (int i = 0; i < n; i++) {
                    if (rnd.nextDouble() < p) {
                        b.add(i);
                    }
                }
                sets.add(b);
            }
            boolean topK = rnd.nextBoolean();
            CountingOptions opts = CountingOptions.defaults().withTopK(1 + rnd.nextInt(6));
            LayerStats stats = new CoActivationCounter(topK ? opts.withMaxDenseBytes(0) : opts).count(sets, n);
            int[] order = algorithm().order(stats);
            assertTrue(
                    Permutations.isPermutation(order, n),
                    "seed " + seed + " (n=" + n + ", tokens=" + tokens + ", p=" + p + ", topK=" + topK
                            + "): not a permutation: " + Arrays.toString(order));
        }
    }

    @Test
    void sameInputSameOrder() {
        LayerStats stats = new CoActivationCounter()
                .count(SyntheticTraces.generate(SyntheticTraces.Spec.realistic(512, 2000, 5)), 0);
        assertArrayEquals(algorithm().order(stats), algorithm().order(stats));
    }

    @Test
    void singleNeuronAndNoTokens() {
        LayerStats one = new CoActivationCounter().count(List.of(RoaringBitmap.bitmapOf(0)), 1);
        assertArrayEquals(new int[] {0}, algorithm().order(one));
        LayerStats none = new CoActivationCounter().count(List.of(), 5);
        assertTrue(Permutations.isPermutation(algorithm().order(none), 5));
    }

    @Test
    void isRegisteredUnderItsName() {
        assertEquals(
                algorithm().name(),
                PlacementAlgorithms.byName(algorithm().name()).name());
    }
}

class IdentityPlacementTest extends PlacementAlgorithmContractTest {
    @Override
    PlacementAlgorithm algorithm() {
        return new IdentityPlacement();
    }
}

class FrequencyPlacementTest extends PlacementAlgorithmContractTest {
    @Override
    PlacementAlgorithm algorithm() {
        return new FrequencyPlacement();
    }
}

class GreedyPathPlacementContractTest extends PlacementAlgorithmContractTest {
    @Override
    PlacementAlgorithm algorithm() {
        return new GreedyPathPlacement();
    }
}

class RefinedPathPlacementTest extends PlacementAlgorithmContractTest {
    @Override
    PlacementAlgorithm algorithm() {
        return new RefinedPathPlacement();
    }

    /**
     * The pipeline places layers at once with one instance: each call's search summary comes back
     * with its own order, so two layers searched at once report what each reports alone.
     */
    @Test
    void searchesAtOnceReportTheirOwnSummaries() throws Exception {
        List<LayerStats> layers = new ArrayList<>();
        for (long seed = 1; seed <= 4; seed++) {
            layers.add(new CoActivationCounter()
                    .count(
                            SyntheticTraces.generate(SyntheticTraces.Spec.realistic(400 + 50 * (int) seed, 1500, seed)),
                            0));
        }
        RefinedPathPlacement ripplePlus = new RefinedPathPlacement();
        List<RefinedPathPlacement.Search> alone = new ArrayList<>();
        for (LayerStats s : layers) {
            alone.add(ripplePlus.search(s));
        }
        List<Future<RefinedPathPlacement.Search>> atOnce = new ArrayList<>();
        try (var pool = Executors.newFixedThreadPool(layers.size())) {
            for (LayerStats s : layers) {
                atOnce.add(pool.submit(() -> ripplePlus.search(s)));
            }
            for (int l = 0; l < layers.size(); l++) {
                RefinedPathPlacement.Search a = alone.get(l);
                RefinedPathPlacement.Search b = atOnce.get(l).get();
                assertArrayEquals(a.order(), b.order(), "layer " + l);
                assertArrayEquals(ripplePlus.order(layers.get(l)), a.order(), "search gives order's result");
                assertEquals(a.summary(), b.summary(), "layer " + l);
                assertTrue(a.gain() >= a.kickGain() && a.sweeps() > 0 && !a.timedOut(), a.summary());
            }
        }
        assertTrue(
                alone.stream()
                                .map(RefinedPathPlacement.Search::summary)
                                .distinct()
                                .count()
                        > 1,
                "the layers' summaries differ, so a mixed-up one would show");
    }

    /**
     * A search whose thread is interrupted (the pipeline gave up on the layers at once) stops at
     * its next check instead of running to its end, and leaves the interrupt set.
     */
    @Test
    void anInterruptedSearchStops() {
        LayerStats stats = new CoActivationCounter()
                .count(SyntheticTraces.generate(SyntheticTraces.Spec.realistic(400, 1500, 3)), 0);
        // a million kicks per neuron would take many minutes; the interrupt ends it at the first check
        RefinedPathPlacement endless = new RefinedPathPlacement(
                new RefinedPathOptions(new int[] {4, 1}, 16, 20, Duration.ofHours(1), 1e6, 20, 42));
        Thread.currentThread().interrupt();
        try {
            long start = System.nanoTime();
            assertThrows(CancellationException.class, () -> endless.search(stats));
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt stays set");
            assertTrue(System.nanoTime() - start < 10_000_000_000L, "stopped at once");
        } finally {
            Thread.interrupted();
        }
    }
}
