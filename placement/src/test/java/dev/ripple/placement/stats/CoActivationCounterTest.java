package dev.ripple.placement.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.placement.trace.ActivationTrace;
import dev.ripple.placement.trace.TraceInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

class CoActivationCounterTest {

    static List<RoaringBitmap> randomTokens(long seed, int n, int tokens, double p) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<RoaringBitmap> out = new ArrayList<>();
        for (int t = 0; t < tokens; t++) {
            RoaringBitmap b = new RoaringBitmap();
            double pt = p * (0.2 + 1.6 * rnd.nextDouble());
            for (int i = 0; i < n; i++) {
                if (rnd.nextDouble() < pt * (i % 3 == 0 ? 2 : 1)) {
                    b.add(i);
                }
            }
            out.add(b);
        }
        return out;
    }

    static int[][] bruteForce(List<RoaringBitmap> tokens, int n) {
        int[][] f = new int[n][n];
        for (RoaringBitmap b : tokens) {
            int[] a = b.toArray();
            for (int x : a) {
                for (int y : a) {
                    if (x != y) {
                        f[x][y]++;
                    }
                }
            }
        }
        return f;
    }

    /**
     * The working set callers budget for (PlacementPipeline places layers at once within it) holds
     * the triangle, the densest token block's copy rather than the first or an average one, the
     * block's bitsets and the workers' cursors; a top-K layer has no bound.
     */
    @Test
    void workingBytesHoldTheTriangleTheDensestBlockItsBitsetsAndCursors() {
        int n = 100;
        ActivationTrace.Builder b =
                ActivationTrace.builder(new TraceInfo("x", "x", "act > 0", 0), new int[] {n, 30_000});
        for (int t = 0; t < 100; t++) { // block 0: 64 tokens of 3 ids; block 1: 36 tokens of 50
            b.add(0, RoaringBitmap.bitmapOf(IntStream.range(0, t < 64 ? 3 : 50).toArray()));
            b.add(1, RoaringBitmap.bitmapOf(t));
        }
        ActivationTrace trace = b.build();
        CoActivationCounter counter = new CoActivationCounter(new CountingOptions(2, 1L << 20, 8, 64));
        long triangle = n * (n - 1) / 2 * 4;
        long perNeuron = 2 * n * 4;
        long blockCopy = (64 + 1 + 36 * 50) * 4;
        long bitsets = n * 8; // one word of 64 tokens per neuron
        long cursors = 2 * 64 * 4;
        assertEquals(triangle + perNeuron + blockCopy + bitsets + cursors, counter.denseWorkingBytes(trace, 0));
        assertEquals(Long.MAX_VALUE, counter.denseWorkingBytes(trace, 1), "30,000 neurons need top-K lists at 1 MiB");

        ActivationTrace.Builder shortBuilder =
                ActivationTrace.builder(new TraceInfo("x", "x", "act > 0", 0), new int[] {n});
        for (int t = 0; t < 10; t++) {
            shortBuilder.add(0, RoaringBitmap.bitmapOf(IntStream.range(0, 50).toArray()));
        }
        ActivationTrace shortTrace = shortBuilder.build();
        assertEquals(
                triangle + perNeuron + (10 + 1 + 10 * 50) * 4 + n * 8 + 2 * 10 * 4,
                counter.denseWorkingBytes(shortTrace, 0),
                "a trace shorter than the token block is copied whole, no more");
    }

    @Test
    void denseCountsMatchBruteForceForAnyThreadCount() {
        for (long seed = 1; seed <= 5; seed++) {
            int n = 50 + (int) seed * 97; // awkward sizes, several row blocks once n > 512
            List<RoaringBitmap> tokens = randomTokens(seed, n, 300, 0.08);
            int[][] f = bruteForce(tokens, n);
            for (int threads : new int[] {1, 2, 3}) {
                LayerStats s = new CoActivationCounter(new CountingOptions(threads, 1L << 30, 8, 37)).count(tokens, n);
                assertTrue(s.exact());
                assertEquals(300, s.tokens());
                for (int i = 0; i < n; i++) {
                    int count = 0;
                    for (RoaringBitmap b : tokens) {
                        count += b.contains(i) ? 1 : 0;
                    }
                    assertEquals(count, s.count(i), "seed " + seed + " f(" + i + ")");
                    for (int j = 0; j < n; j++) {
                        assertEquals(
                                f[i][j],
                                s.joint(i, j),
                                "seed " + seed + " threads " + threads + " f(" + i + "," + j + ")");
                    }
                }
            }
        }
    }

    @Test
    void bitsetAndPairCountsAreIdenticalAtAnyDensity() {
        long seed = 20;
        for (double density : new double[] {0.02, 0.2, 0.6}) {
            for (int n : new int[] {1, 70, 650}) { // 650: two row blocks of the triangle
                for (int tokens : new int[] {1, 63, 129, 301}) {
                    List<RoaringBitmap> trace = randomTokens(++seed, n, tokens, density * 3 / 4);
                    for (int block : new int[] {37, 64, 1000}) {
                        CountingOptions opts = new CountingOptions(1, 1L << 30, 8, block);
                        LayerStats pairs =
                                new CoActivationCounter(opts, CoActivationCounter.DenseMethod.PAIRS).count(trace, n);
                        String where = "seed " + seed + " n " + n + " tokens " + tokens + " block " + block;
                        for (int threads : new int[] {1, 3}) {
                            assertSameCounts(
                                    pairs,
                                    new CoActivationCounter(
                                                    opts.withThreads(threads), CoActivationCounter.DenseMethod.BITSETS)
                                            .count(trace, n),
                                    where + " threads " + threads);
                        }
                        assertSameCounts(pairs, new CoActivationCounter(opts).count(trace, n), where + " by density");
                    }
                }
            }
        }
    }

    private static void assertSameCounts(LayerStats expected, LayerStats actual, String where) {
        int n = expected.neurons();
        for (int i = 0; i < n; i++) {
            assertEquals(expected.count(i), actual.count(i), where + " f(" + i + ")");
            for (int j = i + 1; j < n; j++) {
                if (expected.joint(i, j) != actual.joint(i, j)) {
                    assertEquals(expected.joint(i, j), actual.joint(i, j), where + " f(" + i + "," + j + ")");
                }
            }
        }
    }

    @Test
    void largeLayerCrossesManyRowBlocks() {
        int n = 1500; // 1.1M pairs: 9 row blocks of 128 Ki entries
        List<RoaringBitmap> tokens = randomTokens(7, n, 60, 0.05);
        int[][] f = bruteForce(tokens, n);
        LayerStats s = new CoActivationCounter(CountingOptions.defaults().withThreads(2)).count(tokens, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (f[i][j] != s.joint(i, j)) {
                    assertEquals(f[i][j], s.joint(i, j), "f(" + i + "," + j + ")");
                }
            }
        }
    }

    @Test
    void topKListsHoldTheStrongestPartnersWithExactCounts() {
        int n = 300;
        int k = 5;
        List<RoaringBitmap> tokens = randomTokens(11, n, 400, 0.06);
        int[][] f = bruteForce(tokens, n);
        CountingOptions opts = CountingOptions.defaults().withMaxDenseBytes(0).withTopK(k);
        assertFalse(opts.dense(n));
        LayerStats s = new CoActivationCounter(opts).count(tokens, n);
        assertFalse(s.exact());
        NeighbourLists lists = s.neighbours(k);
        for (int row = 0; row < n; row++) {
            final int i = row;
            int[] expect = IntStream.range(0, n)
                    .filter(j -> j != i && f[i][j] > 0 && excess(s, f, i, j) > 0)
                    .boxed()
                    .sorted((a, b) -> excess(s, f, i, b) != excess(s, f, i, a)
                            ? Long.compare(excess(s, f, i, b), excess(s, f, i, a))
                            : Integer.compare(a, b))
                    .limit(k)
                    .mapToInt(Integer::intValue)
                    .toArray();
            assertEquals(Arrays.toString(expect), Arrays.toString(lists.ids(i)), "neuron " + i);
            for (int j : expect) {
                assertEquals(f[i][j], s.joint(i, j));
                assertEquals(f[i][j], s.joint(j, i));
            }
        }
        // forEachPair visits each stored pair once, ascending, with its exact count
        long[] last = {-1};
        Set<Long> seen = new HashSet<>();
        s.forEachPair(i -> true, (i, j, w) -> {
            long key = (long) i * n + j;
            assertTrue(i < j && key > last[0], "order at " + i + "," + j);
            last[0] = key;
            assertTrue(seen.add(key));
            assertEquals(f[i][j], w);
        });
        int stored = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (s.joint(i, j) > 0) {
                    stored++;
                }
            }
        }
        assertEquals(stored, seen.size());
    }

    /** f(i,j)·T − f(i)·f(j): the ranking of neighbour lists. */
    static long excess(LayerStats s, int[][] f, int i, int j) {
        return f[i][j] * s.tokens() - (long) s.count(i) * s.count(j);
    }

    @Test
    void hotNeuronsDoNotCrowdOutTrueGroupMates() {
        // neuron 0 fires in every token; 1 and 2 fire together in a third of them
        List<RoaringBitmap> tokens = new ArrayList<>();
        for (int t = 0; t < 300; t++) {
            tokens.add(t % 3 == 0 ? RoaringBitmap.bitmapOf(0, 1, 2) : RoaringBitmap.bitmapOf(0, 3 + t % 5));
        }
        LayerStats s = new CoActivationCounter().count(tokens, 8);
        assertTrue(s.joint(1, 0) >= s.joint(1, 2)); // by raw count the hot neuron ties the group mate
        assertEquals("[2]", Arrays.toString(s.neighbours(1).ids(1)));
    }

    @Test
    void denseForEachPairAndNeighboursAgreeWithJoint() {
        int n = 120;
        List<RoaringBitmap> tokens = randomTokens(3, n, 200, 0.1);
        LayerStats s = new CoActivationCounter().count(tokens, n);
        long[] total = {0};
        s.forEachPair(i -> i % 2 == 0, (i, j, w) -> {
            assertEquals(0, i % 2);
            assertEquals(s.joint(i, j), w);
            total[0]++;
        });
        long expected = 0;
        for (int i = 0; i < n; i += 2) {
            for (int j = i + 1; j < n; j++) {
                expected += s.joint(i, j) > 0 ? 1 : 0;
            }
        }
        assertEquals(expected, total[0]);
        NeighbourLists lists = s.neighbours(4);
        for (int i = 0; i < n; i++) {
            for (int k = 1; k < lists.size(i); k++) {
                long prev = lists.joint(i, k - 1) * s.tokens() - (long) s.count(i) * s.count(lists.id(i, k - 1));
                long cur = lists.joint(i, k) * s.tokens() - (long) s.count(i) * s.count(lists.id(i, k));
                assertTrue(prev >= cur && cur > 0);
            }
            for (int k = 0; k < lists.size(i); k++) {
                assertEquals(s.joint(i, lists.id(i, k)), lists.joint(i, k));
            }
        }
    }

    @Test
    void defaultDenseLimitAdmitsExactly16384Neurons() {
        assertTrue(CountingOptions.defaults().dense(16_384));
        assertFalse(CountingOptions.defaults().dense(16_385));
    }

    /**
     * Counting on an interrupted thread stops before its next token block (exact mode) or row
     * block (top-K mode), on one thread or several, rather than returning counts missing blocks.
     * Repeated: whether the workers had finished when the caller waited for them once decided it.
     */
    @Test
    void anInterruptedCountStops() {
        List<RoaringBitmap> tokens = randomTokens(9, 200, 300, 0.2);
        for (int threads : new int[] {1, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3}) {
            for (long dense : new long[] {CountingOptions.DEFAULT_MAX_DENSE_BYTES, 0}) {
                CoActivationCounter counter = new CoActivationCounter(new CountingOptions(threads, dense, 8, 64));
                Thread.currentThread().interrupt();
                try {
                    assertThrows(CancellationException.class, () -> counter.count(tokens, 200), threads + " threads");
                    assertTrue(Thread.currentThread().isInterrupted(), "the interrupt stays set");
                } finally {
                    Thread.interrupted();
                }
                assertEquals(300, counter.count(tokens, 200).tokens(), "counts again once cleared");
            }
        }
    }
}
